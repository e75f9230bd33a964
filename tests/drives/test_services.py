import datetime
import re

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.utils import timezone

from drives import services
from drives.models import Answer, Drive, Invitation
from drives.tokens import invitation_for, token_for
from icnk.models import OutboundEmail
from members.models import Supporter
from members.services import take_down
from statements.models import Signature
from statements.queries import signatories
from statements.services import statement_publish

pytestmark = pytest.mark.django_db


def invitation(drive, org=None, person=None):
    if person is not None:
        return drive.invitations.get(supporter=person)
    return drive.invitations.get(organization=org)


def test_each_member_gets_one_invitation_mail_in_its_language_with_a_personal_link(drive, orgs):
    mails = OutboundEmail.objects.order_by("pk")
    assert [m.to for m in mails] == [
        "ca@example.org",
        "lf@example.org",
        "q@example.org",
        "jane@example.org",
    ]
    korean = mails[0]
    assert "책임 규명 촉구" in korean.subject  # the Korean title, in the Korean mail
    assert "Asia/Tokyo" in korean.body  # the deadline says its time zone
    link = re.search(r"https?://\S+/ko/sign/(\S+)/", korean.body)
    assert link, korean.body
    assert "@" not in link.group(0)
    assert invitation_for(link.group(1)) == invitation(drive, orgs[0])
    # Only a hash is stored: the token itself is nowhere in the database.
    assert not Invitation.objects.filter(token_hash=link.group(1)).exists()
    # Inviting the same members again sends nothing.
    services.invite(drive=drive, user=None, organizations=orgs)
    assert OutboundEmail.objects.count() == 4


def test_a_forged_or_changed_token_opens_nothing(drive, orgs):
    token = token_for(invitation(drive, orgs[0]))
    assert invitation_for(token[:-1] + ("0" if token[-1] != "0" else "1")) is None
    other = invitation(drive, orgs[1])
    assert invitation_for(f"{other.pk}-{token.split('-', 1)[1]}") is None


def test_a_drive_is_started_on_a_draft_only(draft, orgs, editor):
    statement_publish(statement=draft, user=editor)
    with pytest.raises(services.DriveError, match="draft"):
        services.drive_start(
            statement=draft,
            user=editor,
            deadline=timezone.now() + datetime.timedelta(days=3),
            organizations=orgs,
        )


def test_a_taken_down_person_is_not_invited(draft, person, editor):
    from django.contrib.auth.models import User

    admin = User.objects.create_superuser("root", "root@example.org", "pw-long-enough-123")
    take_down(supporter=person, user=admin)
    person.refresh_from_db()
    drive = services.drive_start(
        statement=draft,
        user=editor,
        deadline=timezone.now() + datetime.timedelta(days=3),
        supporters=[person],
    )
    assert drive.invitations.count() == 0
    assert not OutboundEmail.objects.filter(to="jane@example.org").exists()


def test_every_answer_is_kept_and_the_latest_counts(drive, orgs):
    inv = invitation(drive, orgs[0])
    services.answer(invitation=inv, choice=Answer.Choice.SIGNED, comment="Glad to")
    services.answer(invitation=inv, choice=Answer.Choice.DECLINED)
    assert inv.answers.count() == 2
    assert services.latest_answer(inv).choice == Answer.Choice.DECLINED
    assert services.signed_so_far(drive).organizations == []


def test_no_answer_changes_after_the_deadline(drive, orgs):
    inv = invitation(drive, orgs[0])
    later = drive.deadline + datetime.timedelta(minutes=1)
    with time_machine.travel(later), pytest.raises(services.DriveError):
        services.answer(invitation=inv, choice=Answer.Choice.SIGNED)
    assert not inv.answers.exists()


def test_release_signs_only_those_who_confirmed_the_released_text(drive, draft, orgs, editor):
    first, second, counted = (invitation(drive, o) for o in orgs)
    services.answer(invitation=first, choice=Answer.Choice.SIGNED)
    services.answer(invitation=second, choice=Answer.Choice.SIGNED)
    services.answer(invitation=counted, choice=Answer.Choice.DECLINED)
    draft.body += "\n\nA material change."
    draft.save()
    before = set(OutboundEmail.objects.values_list("pk", flat=True))
    assert services.ask_reconfirm(drive=drive, user=editor) == 2
    reconfirm = OutboundEmail.objects.exclude(pk__in=before).order_by("pk")
    assert [m.to for m in reconfirm] == ["ca@example.org", "lf@example.org"]
    services.answer(invitation=first, choice=Answer.Choice.SIGNED)  # re-confirms

    statement_publish(statement=draft, user=editor)

    drive.refresh_from_db()
    assert drive.state == Drive.State.RELEASED
    names = [s.organization.name for s in Signature.objects.filter(statement=draft)]
    assert names == ["Citizens' Alliance"]  # not the outdated signature, not the decline
    assert LogEntry.objects.filter(change_message__startswith="Released").exists()


def test_the_secretariat_may_count_earlier_versions_with_a_reason(drive, draft, orgs, editor):
    services.answer(invitation=invitation(drive, orgs[0]), choice=Answer.Choice.SIGNED)
    draft.body += " Typo fixed."
    draft.save()
    services.release(drive=drive, user=editor, reason="Only a typo was fixed.")
    assert Signature.objects.filter(statement=draft).count() == 1
    entry = LogEntry.objects.get(change_message__startswith="Released")
    assert "Only a typo was fixed." in entry.change_message


def test_signatures_are_dated_by_the_answer_and_later_ones_are_endorsements(
    drive, draft, orgs, editor
):
    first, second = invitation(drive, orgs[0]), invitation(drive, orgs[1])
    start = timezone.now()
    with time_machine.travel(start + datetime.timedelta(days=1), tick=False):
        services.answer(invitation=first, choice=Answer.Choice.SIGNED)
        answered_on = timezone.localdate()
    with time_machine.travel(start + datetime.timedelta(days=2), tick=False):
        statement_publish(statement=draft, user=editor)
    with time_machine.travel(start + datetime.timedelta(days=4), tick=False):
        services.answer(invitation=second, choice=Answer.Choice.SIGNED)
        later_on = timezone.localdate()
    with time_machine.travel(start + datetime.timedelta(days=5), tick=False):
        services.answer(invitation=first, choice=Answer.Choice.DECLINED)
        withdrawn_on = timezone.localdate()
        draft.refresh_from_db()
        lines = {line.name: line for line in signatories(draft).organizations}
    assert lines["Citizens' Alliance"].signed_on == answered_on
    assert lines["Citizens' Alliance"].withdrawn_on == withdrawn_on  # dated, not deleted
    assert lines["Life Funds"].later_endorsement
    assert lines["Life Funds"].signed_on == later_on


def test_a_person_signs_at_the_level_they_chose_for_this_statement(drive, draft, person, editor):
    inv = invitation(drive, person=person)
    services.answer(invitation=inv, choice=Answer.Choice.SIGNED, visibility="initials")
    assert [line.name for line in services.signed_so_far(drive).individuals] == ["J. R."]
    statement_publish(statement=draft, user=editor)
    draft.refresh_from_db()
    shown = signatories(draft)
    assert [line.name for line in shown.individuals] == ["J. R."]
    assert "Jane Roe" not in str(shown)


def test_signing_again_after_release_can_show_a_person_less_never_more(
    client, drive, draft, person, editor
):
    inv = invitation(drive, person=person)
    services.answer(invitation=inv, choice=Answer.Choice.SIGNED, visibility="full_name")
    statement_publish(statement=draft, user=editor)
    draft.refresh_from_db()
    assert [line.name for line in signatories(draft).individuals] == ["Jane Roe"]

    # Frightened after publication, they sign again as initials: the record shows them so.
    services.answer(invitation=inv, choice=Answer.Choice.SIGNED, visibility="initials")
    assert [line.name for line in signatories(draft).individuals] == ["J. R."]
    html = client.get(draft.get_absolute_url()).content.decode()
    assert "J. R." in html and "Jane Roe" not in html
    # A later, more public answer (a forwarded link, say) does not put the name back.
    services.answer(invitation=inv, choice=Answer.Choice.SIGNED, visibility="full_name")
    assert [line.name for line in signatories(draft).individuals] == ["J. R."]
    drive.refresh_from_db()
    assert [line.name for line in services.signed_so_far(drive).individuals] == ["J. R."]
    services.close(drive=drive, user=editor)  # closed after release: still as the statement
    assert [line.name for line in services.signed_so_far(drive).individuals] == ["J. R."]
    drive.state = Drive.State.RELEASED
    drive.save()
    # Withdrawn, then signed again as counted only: no longer named at all.
    services.answer(invitation=inv, choice=Answer.Choice.DECLINED)
    services.answer(invitation=inv, choice=Answer.Choice.SIGNED, visibility="counted")
    shown = signatories(draft)
    assert shown.individuals == [] and shown.other_individuals == 1
    assert Signature.objects.get(supporter=person).visibility == "counted"


def test_the_drive_page_lists_people_by_the_name_they_show(drive, editor):
    people = [
        Supporter.objects.create(full_name=name, email=f"{n}@example.org", **levels)
        for n, (name, levels) in enumerate(
            [
                ("Kim Min-ji", {"visibility": "full_name"}),
                ("Kim Min-jung", {"visibility": "display_name", "display_name": "Hope"}),
                ("Kim Min-seo", {"visibility": "full_name"}),
            ]
        )
    ]
    services.invite(drive=drive, user=editor, supporters=people)
    for person in people:
        services.answer(
            invitation=invitation(drive, person=person),
            choice=Answer.Choice.SIGNED,
            visibility=person.visibility,
        )
    names = [line.name for line in services.signed_so_far(drive).individuals]
    assert names == ["Hope", "Kim Min-ji", "Kim Min-seo"]


def test_a_person_cannot_choose_to_be_more_public_than_agreed(drive, person):
    person.visibility = "initials"
    person.save()
    inv = invitation(drive, person=person)
    inv.refresh_from_db()
    row = services.answer(invitation=inv, choice=Answer.Choice.SIGNED, visibility="full_name")
    assert row.visibility == "hidden"  # not allowed: the most private level is kept


def test_a_taken_down_signer_appears_nowhere(drive, draft, person, editor):
    from django.contrib.auth.models import User

    inv = invitation(drive, person=person)
    services.answer(invitation=inv, choice=Answer.Choice.SIGNED, visibility="full_name")
    admin = User.objects.create_superuser("root", "root@example.org", "pw-long-enough-123")
    take_down(supporter=person, user=admin)
    assert services.signed_so_far(drive).individuals == []
    statement_publish(statement=draft, user=editor)
    assert not Signature.objects.filter(supporter=person).exists()


def test_the_reminder_goes_once_to_non_answerers_even_after_the_worker_was_down(drive, orgs):
    services.answer(invitation=invitation(drive, orgs[0]), choice=Answer.Choice.DECLINED)
    services.answer(invitation=invitation(drive, orgs[1]), choice=Answer.Choice.SIGNED)
    assert services.send_due_reminders() == 0  # not due yet
    before = set(OutboundEmail.objects.values_list("pk", flat=True))
    # The worker was down at the planned moment (3 days before); it comes back 2 days before.
    with time_machine.travel(drive.deadline - datetime.timedelta(days=2)):
        assert services.send_due_reminders() == 2
        assert services.send_due_reminders() == 0  # once
    assert drive.history.filter(history_change_reason="Reminder sent to 2 members.").exists()
    reminded = OutboundEmail.objects.exclude(pk__in=before).values_list("to", flat=True)
    # Not the member that declined, nor the one that signed.
    assert sorted(reminded) == ["jane@example.org", "q@example.org"]


def test_no_reminder_after_the_deadline(drive):
    with time_machine.travel(drive.deadline + datetime.timedelta(hours=1)):
        assert services.send_due_reminders() == 0


# The real worker closes its database connection as a deployed one does: on PostgreSQL that
# needs a test of its own transactions (SQLite keeps its in-memory connection open).
@pytest.mark.django_db(transaction=True)
def test_the_worker_schedules_the_reminder_check_and_sends_due_reminders(drive):
    from django.core.management import call_command

    with time_machine.travel(drive.deadline - datetime.timedelta(days=1)):
        call_command("worker", batch=True, interval=0, verbosity=0)
    assert drive.invitations.filter(reminded_at__isnull=False).count() == 4


def test_the_invitation_gives_the_deadline_in_the_coalitions_time_zone(
    draft, orgs, editor, site_settings
):
    # The secretariat works from London, not from settings.TIME_ZONE (Tokyo); the mail is
    # queued outside any admin request (as the worker's reminders are).
    site_settings.time_zone = "Europe/London"
    site_settings.save()
    deadline = datetime.datetime(2099, 1, 31, 9, 0, tzinfo=datetime.UTC)  # 18:00 in Tokyo
    services.drive_start(statement=draft, user=editor, deadline=deadline, organizations=orgs[1:2])
    body = OutboundEmail.objects.get().body
    assert "2099年1月31日9:00（Europe/London）" in body, body  # Life Funds reads Japanese
    assert "Asia/Tokyo" not in body


def test_a_new_contact_address_retires_the_old_link_and_mails_a_new_one(
    drive, orgs, django_capture_on_commit_callbacks
):
    member = orgs[0]
    old_token = token_for(invitation(drive, member))
    member.contact_email = "new-contact@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        member.save()
    # The person who held the old address (perhaps no longer with the organization) cannot
    # open or answer the draft any more; the new contact got a working link, in Korean.
    assert invitation_for(old_token) is None
    mail = OutboundEmail.objects.get(to="new-contact@example.org")
    token = re.search(r"/ko/sign/(\S+)/", mail.body).group(1)
    assert invitation_for(token) == invitation(drive, member)
    # Saving the same address again, in other capitals, mails nothing more.
    member.contact_email = "New-Contact@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        member.save()
    assert OutboundEmail.objects.filter(to__iexact="new-contact@example.org").count() == 1


@pytest.mark.parametrize(
    "after",
    [
        datetime.timedelta(hours=1),  # the grace period: the link still opens the draft
        datetime.timedelta(days=30),  # past it: no link opens, until the deadline moves
    ],
)
def test_a_new_contact_after_the_deadline_retires_the_old_link_even_if_the_deadline_moves(
    client, drive, orgs, django_capture_on_commit_callbacks, after
):
    """After the deadline the old contact's link must stop when the address changes: in the
    grace period it would still open the draft, and a drive not closed opens again when the
    desk moves its deadline, which would let the old address answer for the member."""
    member = orgs[0]
    old_token = token_for(invitation(drive, member))
    with time_machine.travel(drive.deadline + after):
        member.contact_email = "new-contact@example.org"
        with django_capture_on_commit_callbacks(execute=True):
            member.save()
        assert invitation_for(old_token) is None
        assert client.get(f"/en/sign/{old_token}/").status_code == 404
        # Answers are closed: nothing to mail the new contact.
        assert not OutboundEmail.objects.filter(to="new-contact@example.org").exists()
        drive.deadline = timezone.now() + datetime.timedelta(days=3)
        drive.save()
        response = client.post(f"/en/sign/{old_token}/", {"action": "sign"})
        assert response.status_code == 404
        # The desk moved the deadline: the new contact gets the link now, once.
        assert services.send_unsent(drive=drive) == 1
        assert services.send_unsent(drive=drive) == 0
    assert not invitation(drive, member).answers.exists()
    mail = OutboundEmail.objects.get(to="new-contact@example.org")
    token = re.search(r"/ko/sign/(\S+)/", mail.body).group(1)
    assert invitation_for(token) == invitation(drive, member)


def test_a_persons_new_address_gets_their_link_and_the_old_one_stops(
    drive, person, django_capture_on_commit_callbacks
):
    old_token = token_for(invitation(drive, person=person))
    person.email = "jane.new@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        person.save()
    assert invitation_for(old_token) is None
    assert OutboundEmail.objects.filter(to="jane.new@example.org").count() == 1
