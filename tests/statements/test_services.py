"""The statement desk's writes: publish, schedule, unpublish, collect and withdraw signatures."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.utils import timezone

from members.models import JoinRequest, Listing, MemberStatus, Organization
from members.services import join_request_approve
from statements import services
from statements.models import Signature, Statement
from statements.queries import signed_by

pytestmark = pytest.mark.django_db

LIST = "/en/statements/"
FEED = "/en/statements/feed/"


def seen(client, statement):
    """Where a reader may meet the statement: its page, the list, the feed."""
    return {
        "page": client.get(statement.get_absolute_url()).status_code == 200,
        "list": statement.title in client.get(LIST).text,
        "feed": statement.title in client.get(FEED).text,
    }


NOWHERE = {"page": False, "list": False, "feed": False}
EVERYWHERE = {"page": True, "list": True, "feed": True}


def test_publishing_a_draft_shows_it_everywhere_and_records_who(
    client, site_settings, editor, make_statement
):
    draft = make_statement(title="Draft on the inquiry", status="draft", published_at=None)
    assert seen(client, draft) == NOWHERE  # and the pages are now in the page cache

    assert services.statement_publish(statement=draft, user=editor) is True

    assert seen(client, draft) == EVERYWHERE
    latest = draft.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (editor, "Published")
    assert LogEntry.objects.get(object_id=str(draft.pk)).change_message == "Published"
    # Publishing again changes nothing and logs nothing.
    assert services.statement_publish(statement=draft, user=editor) is False
    assert LogEntry.objects.filter(object_id=str(draft.pk)).count() == 1


def test_a_scheduled_statement_stays_invisible_until_its_time(
    client, site_settings, editor, make_statement
):
    draft = make_statement(title="Embargoed release", status="draft", published_at=None)
    later = timezone.now() + datetime.timedelta(hours=2)

    services.statement_schedule(statement=draft, user=editor, at=later)

    draft.refresh_from_db()
    assert draft.is_scheduled and draft.published_at == later
    assert seen(client, draft) == NOWHERE
    # Its time comes (the clock is moved by moving the time back).
    Statement.objects.filter(pk=draft.pk).update(
        published_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_a_time_in_the_past_schedules_nothing_and_changes_nothing(editor, make_statement):
    draft = make_statement(status="draft", published_at=None)
    with pytest.raises(services.ScheduleError, match="must be in the future"):
        services.statement_schedule(
            statement=draft, user=editor, at=timezone.now() - datetime.timedelta(minutes=1)
        )
    draft.refresh_from_db()
    assert (draft.status, draft.published_at) == ("draft", None)


def test_unpublishing_takes_a_statement_off_every_public_page(
    client, site_settings, editor, statement
):
    assert seen(client, statement) == EVERYWHERE

    assert services.statement_unpublish(statement=statement, user=editor) is True

    assert seen(client, statement) == NOWHERE
    statement.refresh_from_db()
    assert statement.status == Statement.Status.UNPUBLISHED
    assert statement.history.latest().history_change_reason == "Unpublished"


def test_signing_for_all_active_members_adds_only_todays_active_members(
    client, site_settings, editor, statement, organization
):
    Signature.objects.create(statement=statement, organization=organization)
    counted = Organization.objects.create(name="Counted", slug="counted", listing=Listing.COUNTED)
    Organization.objects.create(name="Unlisted", slug="unlisted", listing=Listing.UNLISTED)
    Organization.objects.create(name="Suspended", slug="s", status=MemberStatus.SUSPENDED)
    Organization.objects.create(
        name="Gone", slug="gone", status=MemberStatus.LEFT, left_on=datetime.date(2012, 1, 1)
    )

    added = services.signatures_add_active_members(statement=statement, user=editor)

    assert [s.organization for s in added] == [counted]
    names = list(statement.signatures.values_list("name_at_signing", flat=True))
    assert names == ["Human Rights Watch (HRW)", "Counted"]
    assert statement.signatures.get(organization=counted).signed_on == timezone.localdate()
    # Run again: nobody new, nothing added.
    assert services.signatures_add_active_members(statement=statement, user=editor) == []


def test_a_member_approved_later_is_added_only_when_asked_again(
    client, site_settings, editor, statement, organization
):
    services.signatures_add_active_members(statement=statement, user=editor)
    request = JoinRequest.objects.create(
        kind=JoinRequest.Kind.ORGANIZATION,
        status=JoinRequest.Status.PENDING,
        name="Newcomer Group",
        email="office@newcomer.example",
        organization_kind="national_ngo",
    )
    join_request_approve(join_request=request, reviewer=editor)

    assert "Newcomer Group" not in client.get(statement.get_absolute_url()).text
    assert statement.signatures.count() == 1

    services.signatures_add_active_members(statement=statement, user=editor)
    assert "Newcomer Group" in client.get(statement.get_absolute_url()).text


def test_a_translation_gets_no_signatures_of_its_own(editor, statement, translations):
    Organization.objects.create(name="Someone", slug="someone")
    ko = translations["ko"]
    assert services.signatures_add_active_members(statement=ko, user=editor) == []
    assert not ko.signatures.exists()


def test_withdrawing_keeps_the_signature_with_its_date(
    client, site_settings, editor, statement, organization
):
    signature = Signature.objects.create(statement=statement, organization=organization)
    day = datetime.date(2013, 2, 1)

    assert services.signature_withdraw(signature=signature, user=editor, on=day) is True

    signature.refresh_from_db()
    assert signature.withdrawn_on == day
    html = client.get(statement.get_absolute_url()).text
    assert "Human Rights Watch (HRW)" in html
    assert "withdrawn on 1 February 2013" in html
    assert not signed_by(organization, "en").exists()
    assert signature.history.latest().history_change_reason == "Withdrawn"
    # A second withdrawal keeps the first date.
    assert services.signature_withdraw(signature=signature, user=editor) is False
    signature.refresh_from_db()
    assert signature.withdrawn_on == day
