"""The statement desk: roles, translations, preview, publishing, signatories."""

import datetime
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.utils import timezone

from members.models import Listing, MemberStatus, Organization
from statements.models import Signature, Statement
from tests.factories import login_with_two_factor

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/statements/statement/"


def test_editors_create_and_publish_but_cannot_delete(client, editor, statement):
    login_with_two_factor(client, editor)
    assert client.get(f"{CHANGELIST}add/").status_code == 200
    assert client.get(f"{CHANGELIST}{statement.pk}/change/").status_code == 200
    assert client.get(f"{CHANGELIST}{statement.pk}/delete/").status_code == 403
    actions = client.get(CHANGELIST).content.decode()
    assert 'value="publish"' in actions and 'value="delete_selected"' not in actions


def test_administrators_can_delete(client, administrator, make_statement):
    draft = make_statement(status=Statement.Status.DRAFT)
    login_with_two_factor(client, administrator)
    response = client.post(f"{CHANGELIST}{draft.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Statement.objects.filter(pk=draft.pk).exists()


def test_staff_without_a_role_cannot_see_statements(client, django_user_model, statement):
    user = django_user_model.objects.create_user(
        "nobody", password="x-long-password", is_staff=True
    )
    login_with_two_factor(client, user)
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(f"{CHANGELIST}{statement.pk}/preview/").status_code == 403


def test_publishing_from_the_list_needs_the_right_to_change_statements_too(
    client, django_user_model, make_statement
):
    """A staff account given "publish" but only "view" on statements (no role is made so, but
    an administrator may compose one) cannot publish from the list, as it cannot from a
    statement's page, whose buttons need both."""
    from django.contrib.auth.models import Permission

    draft = make_statement(status=Statement.Status.DRAFT, published_at=None, slug="d")
    public = make_statement(slug="p")
    user = django_user_model.objects.create_user(
        "reader", password="x-long-password", is_staff=True
    )
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="statements",
            codename__in=["view_statement", "publish_statement"],
        )
    )
    login_with_two_factor(client, user)
    actions = client.get(CHANGELIST).text
    assert 'value="publish"' not in actions and 'value="unpublish"' not in actions
    for action, statement in (("publish", draft), ("unpublish", public)):
        client.post(
            CHANGELIST, {"action": action, "post": "yes", "index": 0,
                         "_selected_action": [statement.pk]},
        )  # fmt: skip
    assert client.get("/en/statements/d/").status_code == 404
    assert client.get("/en/statements/p/").status_code == 200


def test_editor_writes_a_statement_and_it_stays_a_draft(client, editor):
    login_with_two_factor(client, editor)
    response = client.post(
        f"{CHANGELIST}add/",
        {
            "title": "New statement",
            "slug": "new-statement",
            "language": "en",
            "kind": "joint_statement",
            "body": "Hello <script>x</script>",
            "status": "draft",
            **_empty_inlines(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    statement = Statement.objects.get(slug="new-statement")
    assert statement.author == editor
    assert "<script>" not in statement.body_html
    assert client.get("/en/statements/new-statement/").status_code == 404


def confirmation(page):
    """What the confirmation page's "Yes" button posts: its form's hidden fields."""
    data = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page):
        data.setdefault(name, []).append(value)
    return data


def test_publish_and_unpublish_actions_ask_first_then_act(client, editor, make_statement):
    draft = make_statement(
        status=Statement.Status.DRAFT, published_at=None, slug="d", title="A draft to publish"
    )
    public = make_statement(slug="p", title="Already public")
    scheduled = make_statement(
        slug="s", title="Scheduled for Friday",
        published_at=timezone.now() + datetime.timedelta(days=3),
    )  # fmt: skip
    login_with_two_factor(client, editor)
    chosen = {"index": 0, "_selected_action": [draft.pk, public.pk, scheduled.pk]}

    # "Select all" across the list.
    asked = client.post(CHANGELIST, {"action": "publish", "select_across": 1, **chosen})
    assert asked.status_code == 200
    assert "Publish 2 statements now?" in asked.text
    assert "A draft to publish" in asked.text and "Scheduled for Friday" in asked.text
    assert "Already public" not in asked.text
    assert "Now: Draft: readers cannot see it." in asked.text
    assert "Now: Scheduled: public in " in asked.text
    assert asked.text.count("It will be public at once") == 2
    assert "One other selected statement is public already and stays as it is." in asked.text
    # Asking changes nothing.
    assert client.get("/en/statements/d/").status_code == 404
    assert client.get("/en/statements/s/").status_code == 404
    # A colleague writes a draft meanwhile: "Yes" acts on what the page listed, not on it.
    make_statement(status=Statement.Status.DRAFT, published_at=None, slug="meanwhile")
    done = client.post(CHANGELIST, confirmation(asked.text), follow=True)
    assert "2 statements published." in done.text
    assert client.get("/en/statements/d/").status_code == 200
    assert client.get("/en/statements/s/").status_code == 200
    assert client.get("/en/statements/meanwhile/").status_code == 404

    asked = client.post(CHANGELIST, {"action": "unpublish", **chosen})
    assert "Unpublish 3 statements?" in asked.text
    assert asked.text.count("Readers will no longer see it") == 3
    assert client.get("/en/statements/d/").status_code == 200
    client.post(CHANGELIST, confirmation(asked.text))
    for slug in "dps":
        assert client.get(f"/en/statements/{slug}/").status_code == 404
    assert LogEntry.objects.filter(object_id=str(draft.pk)).count() == 2

    # Nothing the step would change: it says so, and asks nothing.
    nothing = client.post(CHANGELIST, {"action": "unpublish", **chosen}, follow=True)
    assert "No selected statement is published or scheduled: nothing to do." in nothing.text
    assert 'name="post"' not in nothing.text


def test_publish_now_publishes_now_even_a_draft_that_carries_a_time_ahead(
    client, editor, make_statement
):
    """A draft's stray time never schedules it silently: "Publish now" means now."""
    later = timezone.now() + datetime.timedelta(days=3)
    draft = make_statement(status=Statement.Status.DRAFT, published_at=later, slug="later")
    login_with_two_factor(client, editor)
    client.post(CHANGELIST, {"action": "publish", "post": "yes", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.is_public and draft.published_at <= timezone.now()
    assert client.get("/en/statements/later/").status_code == 200


def test_staff_preview_shows_a_draft_as_the_public_would_and_is_never_cached(
    client, editor, site_settings, make_statement
):
    draft = make_statement(
        title="Draft under review", status=Statement.Status.DRAFT, language="ja", dateline="東京"
    )
    login_with_two_factor(client, editor)
    response = client.get(f"{CHANGELIST}{draft.pk}/preview/")
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    html = response.content.decode()
    assert '<html lang="ja">' in html and "Draft under review" in html
    assert "【東京】" in html
    client.logout()
    assert client.get(f"{CHANGELIST}{draft.pk}/preview/").status_code == 302  # to the login


def test_versions_are_listed_with_add_a_translation_links_and_outdated_marks(
    client, editor, statement, translations
):
    login_with_two_factor(client, editor)
    html = client.get(f"{CHANGELIST}{translations['ko'].pk}/change/").content.decode()
    assert translations["ja"].title in html
    assert "older than its original" not in html
    Statement.objects.filter(pk=statement.pk).update(
        updated_at=timezone.now() + datetime.timedelta(minutes=5)
    )
    html = client.get(f"{CHANGELIST}{statement.pk}/change/").content.decode()
    assert html.count("older than its original") == 2
    assert "Older than its original" in client.get(CHANGELIST).content.decode()


def test_add_a_translation_prefills_from_the_original(client, editor, statement, campaign):
    statement.campaign = campaign
    statement.save()
    login_with_two_factor(client, editor)
    html = client.get(f"{CHANGELIST}{statement.pk}/change/").content.decode()
    link = f"{CHANGELIST}add/?translation_of={statement.pk}&amp;language=ko"
    assert link in html
    form = client.get(link.replace("&amp;", "&")).context["adminform"].form
    # The text is written anew beside the original's (tests/statements/test_translation_desk.py).
    assert "title" not in form.initial and "body" not in form.initial
    assert form.initial["kind"] == statement.kind
    assert form.initial["language"] == "ko"
    assert form.initial["translation_of"] == statement.pk
    assert form.initial["campaign"] == campaign.pk


def test_add_all_active_members_adds_listed_and_counted_active_organizations(
    client, editor, statement, organization
):
    Organization.objects.create(name="Counted", slug="counted", listing=Listing.COUNTED)
    Organization.objects.create(name="Unlisted", slug="unlisted", listing=Listing.UNLISTED)
    Organization.objects.create(
        name="Gone", slug="gone", status=MemberStatus.LEFT, left_on=datetime.date(2012, 1, 1)
    )
    Signature.objects.create(statement=statement, organization=organization)
    login_with_two_factor(client, editor)
    client.post(
        CHANGELIST, {"action": "add_all_active_members", "_selected_action": [statement.pk]}
    )
    names = list(statement.signatures.values_list("name_at_signing", flat=True))
    assert names == ["Human Rights Watch (HRW)", "Counted"]


def test_campaign_admin_shows_milestones_inline(client, editor, campaign):
    login_with_two_factor(client, editor)
    html = client.get(f"/admin/statements/campaign/{campaign.pk}/change/").content.decode()
    assert "European Parliament asks" in html


def _empty_inlines():
    data = {}
    for prefix in ("signatures", "attachments", "press_contacts"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data


def test_signatories_are_picked_with_autocomplete(client, editor, statement):
    login_with_two_factor(client, editor)
    html = client.get(f"{CHANGELIST}{statement.pk}/change/").content.decode()
    assert 'name="signatures-__prefix__-organization"' in html
    assert html.count("admin-autocomplete") >= 2
