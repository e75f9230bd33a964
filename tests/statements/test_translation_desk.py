"""Translating at the desk: a new language version written beside its original, and the
translations older than their original with what changed in it since."""

import pytest
from django.contrib.auth.models import Permission

from statements.models import Statement, Topic
from tests.factories import login_with_two_factor

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/statements/statement/"
OUTDATED = f"{CHANGELIST}outdated-translations/"


def _add_url(statement, language):
    return f"{CHANGELIST}add/?translation_of={statement.pk}&language={language}"


def _translation_form(**fields):
    data = {
        "title": "국제연대, 조사위원회 환영",
        "slug": "국제연대-환영",
        "language": "ko",
        "kind": "joint_statement",
        "summary": "",
        "body": "국제연대는 **환영**합니다.",
        "dateline": "도쿄",
        "status": "draft",
        "image_alt": "",
    }
    for prefix in ("signatures", "attachments", "press_contacts"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(fields)
    return data


def test_the_translation_form_shows_the_original_beside_each_field(client, editor, statement):
    statement.body = "The coalition <b>welcomes</b> the inquiry.\n\nSecond paragraph."
    statement.image_alt = "Delegates at the Human Rights Council"
    statement.save()
    login_with_two_factor(client, editor)
    response = client.get(_add_url(statement, "ko"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("Original (English)") == 5  # title, summary, body, dateline, image alt
    assert 'id="id_title_original"' in html and 'aria-describedby="id_title_original' in html
    assert "Coalition welcomes the inquiry" in html
    assert "Delegates at the Human Rights Council" in html
    # The original is shown as text, never as markup.
    assert "The coalition &lt;b&gt;welcomes&lt;/b&gt; the inquiry." in html
    form = response.context["adminform"].form
    assert form["title"].value() in (None, "")  # the translator writes the Korean anew
    assert form["language"].value() == "ko"
    assert "Translate “Coalition welcomes the inquiry”" in html


def test_a_saved_translation_is_a_draft_of_the_same_statement(client, editor, statement):
    topic = Topic.objects.create(slug="coi", name_en="Inquiry")
    statement.topics.add(topic)
    login_with_two_factor(client, editor)
    initial = client.get(_add_url(statement, "ko")).context["adminform"].form.initial
    data = _translation_form(
        translation_of=initial["translation_of"],
        kind=initial["kind"],
        topics=initial["topics"],
    )
    response = client.post(_add_url(statement, "ko"), data)
    assert response.status_code == 302
    korean = Statement.objects.get(language="ko")
    assert korean.translation_key == statement.translation_key
    assert korean.translation_of == statement
    assert korean.status == Statement.Status.DRAFT and not korean.is_public
    assert list(korean.topics.all()) == [topic]
    assert korean.author == editor


def test_a_language_that_already_has_a_version_is_a_form_error(
    client, editor, statement, translations
):
    login_with_two_factor(client, editor)
    response = client.post(
        f"{CHANGELIST}add/?translation_of={statement.pk}",
        _translation_form(translation_of=statement.pk, language="ja", slug="another"),
    )
    assert response.status_code == 200
    assert "This statement already has a version in Japanese" in response.content.decode()
    assert Statement.objects.filter(language="ja").count() == 1
    # Opening "add Korean" when there is one opens the Korean version.
    response = client.get(_add_url(statement, "ko"))
    assert response.status_code == 302
    assert response["Location"] == f"{CHANGELIST}{translations['ko'].pk}/change/"


def test_the_list_offers_only_the_languages_still_missing(
    client, editor, statement, make_statement
):
    make_statement(title="Japanese version", language="ja", translation_of=statement)
    login_with_two_factor(client, editor)
    html = client.get(CHANGELIST).content.decode()
    assert f"add/?translation_of={statement.pk}&amp;language=ko" in html
    assert f"add/?translation_of={statement.pk}&amp;language=ja" not in html
    assert f"add/?translation_of={statement.pk}&amp;language=en" not in html


def test_outdated_translations_show_what_changed_in_the_original_escaped(
    client, editor, statement, translations
):
    statement.body = "New paragraph <script>alert(1)</script> about the inquiry."
    statement.save()
    login_with_two_factor(client, editor)
    response = client.get(OUTDATED)
    assert response.status_code == 200
    html = response.content.decode()
    assert translations["ko"].title in html and translations["ja"].title in html
    assert "Original when the translation was last edited" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    assert "Body of statement" in html  # the old text, on the left
    # The translation's own page links to its part of the list.
    change = client.get(f"{CHANGELIST}{translations['ko'].pk}/change/").content.decode()
    link = f"{OUTDATED}?translation={translations['ko'].pk}"
    assert link in change
    only = client.get(link).content.decode()
    assert translations["ko"].title in only and translations["ja"].title not in only
    # Updating the translation takes it off the list.
    translations["ko"].save()
    translations["ja"].save()
    html = client.get(OUTDATED).content.decode()
    assert "Every translation is up to date with its original." in html
    filtered = client.get(f"{CHANGELIST}?translation=outdated").content.decode()
    assert translations["ko"].title not in filtered


def test_the_translation_desk_is_for_staff_with_the_right_role(
    client, django_user_model, statement
):
    assert client.get(OUTDATED).status_code == 302  # to the sign-in page
    assert client.get(_add_url(statement, "ko")).status_code == 302
    user = django_user_model.objects.create_user(
        "nobody", password="x-long-password", is_staff=True
    )
    login_with_two_factor(client, user)
    assert client.get(OUTDATED).status_code == 403
    assert client.get(_add_url(statement, "ko")).status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="view_statement"))
    assert client.get(OUTDATED).status_code == 200
    assert client.get(_add_url(statement, "ko")).status_code == 403


def test_the_desk_speaks_korean_and_japanese(client, editor, statement, translations, settings):
    statement.body = "A changed body."
    statement.save()
    login_with_two_factor(client, editor)
    for language, heading, beside, history in [
        ("ko", "원문보다 오래된 번역본", "원문(영어)", "변경 이력"),
        ("ja", "原文より古い翻訳", "原文（英語）", "変更履歴"),
    ]:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        assert heading in client.get(OUTDATED).content.decode()
        version = translations[language]
        assert beside in client.get(f"{CHANGELIST}{version.pk}/change/").content.decode()
        assert history in client.get(f"{CHANGELIST}{version.pk}/history/").content.decode()


@pytest.mark.parametrize("outdated", [2, 12])
def test_the_outdated_list_costs_the_same_queries_however_long(
    client, editor, make_statement, django_assert_max_num_queries, outdated
):
    for n in range(outdated):
        original = make_statement(body=f"Original text {n}.")
        make_statement(language="ja", translation_of=original, title=f"訳 {n}")
        original.body = f"Changed text {n}."
        original.save()
    login_with_two_factor(client, editor)
    client.get(OUTDATED)  # warm the session and the content types
    with django_assert_max_num_queries(11):
        html = client.get(OUTDATED).content.decode()
    assert html.count('class="outdated-translation"') == outdated
    assert f"Changed text {outdated - 1}." in html
