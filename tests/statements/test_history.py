"""A statement's history answers "who changed what": its signatures, documents and press
contacts beside its own versions, two versions compared, an earlier text restored as a new
change."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile

from members.models import Supporter, Visibility
from statements.models import Attachment, PressContact, Signature, Statement
from tests.factories import login_with_two_factor

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/statements/statement/"


def _history(statement):
    return f"{CHANGELIST}{statement.pk}/history/"


def _edit(statement, user, **fields):
    for name, value in fields.items():
        setattr(statement, name, value)
    statement._history_user = user
    statement.save()
    return statement.history.latest("history_date")


def test_history_shows_signatures_documents_and_press_contacts_with_who_and_when(
    client, editor, statement, organization
):
    signature = Signature(statement=statement, organization=organization)
    signature._history_user = editor
    signature.save()
    signature.withdrawn_on = datetime.date(2026, 11, 1)
    signature._history_user = editor
    signature.save()
    attachment = Attachment(
        statement=statement, title="Full report", language="en", file=ContentFile(b"%PDF", "r.pdf")
    )
    attachment._history_user = editor
    attachment.save()
    contact = PressContact(statement=statement, name="Hanna Song", contact="+82 2 0000")
    contact._history_user = editor
    contact.save()
    login_with_two_factor(client, editor)
    response = client.get(_history(statement))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Human Rights Watch" in html
    assert "Withdrawn on:</strong> — → 2026-11-01" in html
    assert "Full report" in html and "Hanna Song" in html
    assert html.count("<td>editor</td>") >= 4
    assert "Times are in Asia/Tokyo" in html
    assert " JST</time>" in html


def test_two_versions_are_compared_side_by_side_and_markup_is_escaped(client, editor, statement):
    first = statement.history.latest("history_date")
    second = _edit(statement, editor, body="Now with <script>alert('x')</script> inside.")
    login_with_two_factor(client, editor)
    response = client.get(
        f"{_history(statement)}compare/?from={first.history_id}&to={second.history_id}"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<table class="diff"' in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html or (
        "&lt;script&gt;alert('x')&lt;/script&gt;" in html
    )
    assert "<script>alert" not in html
    assert "Body (Markdown)</h3>" in html  # only the field that changed
    assert "Summary</h3>" not in html


def test_restoring_a_version_is_a_new_change_and_leaves_publication_alone(
    client, editor, statement
):
    first = statement.history.latest("history_date")
    _edit(statement, editor, title="A later title", body="A later body.")
    statement.status = Statement.Status.DRAFT
    statement.save()
    rows_before = statement.history.count()
    login_with_two_factor(client, editor)
    url = f"{_history(statement)}{first.history_id}/restore/"
    confirm = client.get(url)
    assert confirm.status_code == 200 and "A later title" in confirm.content.decode()
    statement.refresh_from_db()
    assert statement.title == "A later title"  # asking changes nothing
    response = client.post(url)
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.title == "Coalition welcomes the inquiry"
    assert statement.body == first.body
    assert statement.status == Statement.Status.DRAFT  # restoring does not publish
    assert statement.history.count() == rows_before + 1  # nothing rewritten, one row added
    newest = statement.history.latest("history_date")
    assert newest.history_user == editor
    assert newest.history_change_reason.startswith("Restored version of ")
    html = client.get(_history(statement)).content.decode()
    assert "Restored the version of " in html


def test_restoring_needs_the_change_permission(client, django_user_model, statement):
    first = statement.history.latest("history_date")
    user = django_user_model.objects.create_user("reader", password="x-long-pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_statement"))
    login_with_two_factor(client, user)
    assert client.get(_history(statement)).status_code == 200
    assert client.post(f"{_history(statement)}{first.history_id}/restore/").status_code == 403
    client.logout()
    assert client.get(_history(statement)).status_code == 302  # to the sign-in page


def test_a_supporter_stays_unnamed_in_history_for_staff_who_may_not_see_supporters(
    client, editor, django_user_model, statement
):
    person = Supporter.objects.create(
        full_name="Kim Young-ja", email="kim@example.org", visibility=Visibility.HIDDEN
    )
    signature = Signature(statement=statement, supporter=person)
    signature._history_user = editor
    signature.save()
    login_with_two_factor(client, editor)
    assert "Kim Young-ja" in client.get(_history(statement)).content.decode()

    user = django_user_model.objects.create_user("reader", password="x-long-pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_statement"))
    client.logout()
    login_with_two_factor(client, user)
    html = client.get(_history(statement)).content.decode()
    assert "an individual supporter" in html
    assert "Kim Young-ja" not in html and "kim@example.org" not in html


@pytest.mark.parametrize("signatories", [2, 20])
def test_history_page_queries_do_not_grow_with_the_signatures(
    client, editor, statement, django_assert_max_num_queries, signatories
):
    from members.models import Organization

    for n in range(signatories):
        organization = Organization.objects.create(name=f"Organization {n}", slug=f"org-{n}")
        signature = Signature(statement=statement, organization=organization)
        signature._history_user = editor
        signature.save()
    login_with_two_factor(client, editor)
    client.get(_history(statement))  # warm the session and the content types
    # As tests/icnk/test_audit.py's statement page, plus one for the organizations named.
    with django_assert_max_num_queries(14):
        page = client.get(_history(statement))
    assert f"Organization {signatories - 1}" in page.content.decode()
