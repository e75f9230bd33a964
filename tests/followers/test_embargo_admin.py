"""The secretariat releases a scheduled statement to the press from its admin page: a
confirmation page with the recipients, then a record of who received it and when."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from followers.models import Journalist, PressDelivery, PressNotice, PressRelease
from icnk.roles import EDITORS
from statements.models import Campaign, Statement
from tests.factories import login_with_two_factor, make_staff

pytestmark = pytest.mark.django_db

ADMIN = f"/{settings.ADMIN_URL}"
EMBARGO = datetime.datetime(2026, 12, 1, 0, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _before_the_embargo():
    with time_machine.travel(EMBARGO - datetime.timedelta(days=3)):
        yield


@pytest.fixture
def editor_client(client, site_settings):
    site_settings.time_zone = "Asia/Seoul"
    site_settings.save()
    login_with_two_factor(client, make_staff("editor", EDITORS))
    return client


@pytest.fixture
def campaign(db):
    return Campaign.objects.create(
        slug="coi", title_en="Commission of Inquiry", goal_en="An inquiry",
        started_on=datetime.date(2011, 9, 8),
    )  # fmt: skip


@pytest.fixture
def scheduled(campaign):
    return Statement.objects.create(
        title="Coalition welcomes the report", slug="report", language="en", body="Body.",
        status=Statement.Status.PUBLISHED, published_at=EMBARGO, campaign=campaign,
    )  # fmt: skip


def journalist(name, *, beats=(), status=Journalist.Status.ACTIVE):
    person = Journalist.objects.create(
        name=name, outlet=f"{name} Times", email=f"{name.lower()}@example.org",
        status=status, source=Journalist.Source.STAFF,
    )  # fmt: skip
    person.beats.set(beats)
    return person


def release_url(statement):
    return f"{ADMIN}followers/pressrelease/release/{statement.pk}/"


def test_the_secretariat_releases_to_the_journalists_it_ticks_and_sees_who_got_it(
    editor_client, scheduled, campaign
):
    other = Campaign.objects.create(
        slug="other", title_en="Other", goal_en="x", started_on=datetime.date(2020, 1, 1)
    )
    on_beat = journalist("Onbeat", beats=[campaign])
    off_beat = journalist("Offbeat", beats=[other])
    journalist("Gone", status=Journalist.Status.LEFT)

    statement_page = editor_client.get(f"{ADMIN}statements/statement/{scheduled.pk}/change/")
    assert "Release to the press under embargo…" in statement_page.text
    assert release_url(scheduled) in statement_page.text

    page = editor_client.get(release_url(scheduled))
    assert page.status_code == 200
    text = page.text
    assert "Embargoed until 09:00 on 1 December 2026, Asia/Seoul time (UTC+09:00)" in text
    assert f'value="{on_beat.pk}" id="journalist-{on_beat.pk}" checked' in text
    assert f'value="{off_beat.pk}" id="journalist-{off_beat.pk}">' in text  # listed, not ticked
    assert "Gone" not in text  # not on the list any more

    # Nothing ticked: nothing sent, and it says so.
    empty = editor_client.post(release_url(scheduled), {})
    assert empty.status_code == 400 and "Tick at least one journalist." in empty.text
    assert not PressRelease.objects.exists()

    done = editor_client.post(
        release_url(scheduled), {"journalists": [on_beat.pk, off_beat.pk]}, follow=True
    )
    assert done.status_code == 200
    assert "Released under embargo to 2 journalists." in done.text
    release = PressRelease.objects.get()
    assert release.embargo_until == EMBARGO and release.released_by.username == "editor"
    # The release's page: each journalist, their outlet, and the state of their mail.
    assert "Onbeat" in done.text and "Offbeat Times" in done.text
    assert done.text.count("Queued") >= 2
    assert set(PressDelivery.objects.values_list("journalist__name", flat=True)) == {
        "Onbeat",
        "Offbeat",
    }

    # The statement's page now says it is under embargo, and links to the record.
    statement_page = editor_client.get(f"{ADMIN}statements/statement/{scheduled.pk}/change/")
    assert "Embargoed until 09:00 on 1 December 2026, Asia/Seoul time" in statement_page.text
    assert f"{ADMIN}followers/pressrelease/{release.pk}/change/" in statement_page.text
    assert "0 of 2 sent" in statement_page.text

    # The page again: those who have it cannot be ticked twice.
    again = editor_client.get(release_url(scheduled)).text
    assert again.count("already has it") == 2

    # Once it has reached them, "Publish now" warns that it would break the embargo they hold.
    PressDelivery.objects.update(status=PressDelivery.Status.SENT, sent_at=timezone.now())
    publish = editor_client.get(f"{ADMIN}statements/statement/{scheduled.pk}/publish/")
    assert "Journalists were told: Embargoed until 09:00" in publish.text
    assert "Publishing now breaks that embargo" in publish.text
    assert "is told by mail that it is lifted" in publish.text  # by the site, not by staff
    unpublish = editor_client.get(f"{ADMIN}statements/statement/{scheduled.pk}/unpublish/")
    assert "is told by mail not to publish it" in unpublish.text
    # So does "Publish now" chosen for it in the list of statements, before it acts.
    listed = editor_client.post(
        f"{ADMIN}statements/statement/",
        {"action": "publish", "index": 0, "_selected_action": [scheduled.pk]},
    )
    assert "Journalists were told: Embargoed until 09:00" in listed.text
    assert "Publishing now breaks that embargo" in listed.text
    scheduled.refresh_from_db()
    assert scheduled.is_scheduled


def test_a_draft_or_a_public_statement_cannot_be_released(editor_client, scheduled):
    person = journalist("Reporter")
    Statement.objects.filter(pk=scheduled.pk).update(status=Statement.Status.DRAFT)
    page = editor_client.get(release_url(scheduled))
    assert "Only a scheduled statement can be released under embargo" in page.text
    assert "Schedule it first" in page.text
    refused = editor_client.post(release_url(scheduled), {"journalists": [person.pk]})
    assert refused.status_code == 400 and not PressDelivery.objects.exists()

    Statement.objects.filter(pk=scheduled.pk).update(
        status=Statement.Status.PUBLISHED, published_at=EMBARGO - datetime.timedelta(days=5)
    )
    page = editor_client.get(release_url(scheduled))
    assert "already public, so there is nothing to embargo" in page.text


def test_a_release_page_for_no_statement_is_not_found(editor_client, scheduled):
    for bad in ["999999", "abc", "1%2F2", "-1"]:
        assert editor_client.get(f"{ADMIN}followers/pressrelease/release/{bad}/").status_code == 404


def test_the_release_page_reads_in_korean(editor_client, scheduled):
    journalist("Reporter")
    page = editor_client.get(release_url(scheduled), HTTP_ACCEPT_LANGUAGE="ko")
    assert "엠바고: 2026년 12월 1일 09:00(Asia/Seoul 시간, UTC+09:00)까지 보도 유예" in page.text
    assert "예, 엠바고 보도자료를 보냅니다" in page.text


def test_someone_without_the_right_to_publish_cannot_release(client, site_settings, scheduled):
    from django.contrib.auth.models import User

    viewer = User.objects.create_user("viewer", password="x", is_staff=True)
    login_with_two_factor(client, viewer)
    assert client.get(release_url(scheduled)).status_code == 403


def test_releases_received_are_in_the_journalists_export_and_go_with_their_erasure(
    editor_client, scheduled
):
    from followers import embargo
    from icnk.roles import ADMINISTRATORS
    from members.personal_data import personal_data_erase, personal_data_export

    person = journalist("Reporter")
    other = journalist("Other")
    administrator = make_staff("admin", ADMINISTRATORS)
    embargo.press_release(statement=scheduled, user=administrator, journalists=[person, other])

    data = personal_data_export(subject=person, user=administrator)
    [entry] = data["press_releases_received"]
    assert entry["statement"] == "Coalition welcomes the report"
    assert entry["embargoed_until"].startswith("2026-12-01T00:00:00")
    assert entry["status"] == "queued"
    assert entry["notices"] == []

    # Sent, then withdrawn: the notice they are sent is theirs too, and on the release's page.
    from statements import services

    PressDelivery.objects.update(status=PressDelivery.Status.SENT, sent_at=timezone.now())
    services.statement_unpublish(statement=scheduled, user=administrator)
    [entry] = personal_data_export(subject=person, user=administrator)["press_releases_received"]
    assert [(n["what"], n["status"]) for n in entry["notices"]] == [("withdrawn", "queued")]
    release = PressRelease.objects.get()
    page = editor_client.get(f"{ADMIN}followers/pressrelease/{release.pk}/change/")
    assert page.text.count("Withdrawn (Queued)") == 2

    personal_data_erase(subject=person, user=administrator)
    assert list(PressDelivery.objects.values_list("journalist__name", flat=True)) == ["Other"]
    assert list(PressNotice.objects.values_list("delivery__journalist__name", flat=True)) == [
        "Other"
    ]


def test_the_publication_warnings_say_what_journalists_will_be_told(editor_client, scheduled):
    from followers import embargo
    from icnk.roles import ADMINISTRATORS
    from statements import services

    korean = Statement.objects.create(
        title="보고서 환영", slug="보고서", language="ko", body="본문.", translation_of=scheduled,
        status=Statement.Status.PUBLISHED, published_at=EMBARGO,
    )  # fmt: skip
    staff = make_staff("admin", ADMINISTRATORS)
    embargo.press_release(statement=scheduled, user=staff, journalists=[journalist("Reporter")])
    PressDelivery.objects.update(status=PressDelivery.Status.SENT, sent_at=timezone.now())

    def warning(statement, step):
        at = "?at=2026-12-05T10:00" if step == "schedule" else ""  # the time asked for
        return editor_client.get(f"{ADMIN}statements/statement/{statement.pk}/{step}/{at}").text

    # The Korean version keeps 09:00: taking the English one off tells nobody anything.
    assert "Another language version still comes out at that time, so they are not told" in (
        warning(scheduled, "unpublish")
    )
    assert "Another language version keeps that time" in warning(scheduled, "schedule")
    services.statement_unpublish(statement=korean, user=staff)
    assert "is told by mail not to publish it" in warning(scheduled, "unpublish")
    assert "is told the new time by mail" in warning(scheduled, "schedule")

    # Withdrawn, and told so: scheduling it again does not tell them, and the page says so.
    services.statement_unpublish(statement=Statement.objects.get(pk=scheduled.pk), user=staff)
    PressNotice.objects.update(status=PressNotice.Status.SENT, sent_at=timezone.now())
    assert "Journalists were told that this statement was withdrawn. Scheduling it does not" in (
        warning(scheduled, "schedule")
    )


def test_unpublish_in_the_list_warns_of_each_embargo_at_a_cost_that_does_not_grow(editor_client):
    """ "Unpublish" chosen for many statements in the list asks first, with what each step tells
    the journalists who hold it under embargo, reckoned with the other selected versions taking
    the same step; reading what they were told costs the same for two statements as for six."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from followers import embargo
    from icnk.roles import ADMINISTRATORS

    staff = make_staff("admin", ADMINISTRATORS)
    reporter = journalist("Reporter")
    english, korean = [], []
    for n in range(3):
        at = EMBARGO + datetime.timedelta(hours=n)
        original = Statement.objects.create(
            title=f"Statement {n}", slug=f"statement-{n}", language="en", body="Body.",
            status=Statement.Status.PUBLISHED, published_at=at,
        )  # fmt: skip
        korean.append(
            Statement.objects.create(
                title=f"성명 {n}", slug=f"성명-{n}", language="ko", body="본문.",
                translation_of=original, status=Statement.Status.PUBLISHED,
                # The last one's Korean version comes out a day later.
                published_at=at + datetime.timedelta(days=1 if n == 2 else 0),
            )
        )  # fmt: skip
        embargo.press_release(statement=original, user=staff, journalists=[reporter])
        english.append(original)
    PressDelivery.objects.update(status=PressDelivery.Status.SENT, sent_at=timezone.now())

    def confirmation(selected):
        with CaptureQueriesContext(connection) as queries:
            page = editor_client.post(
                f"{ADMIN}statements/statement/",
                {"action": "unpublish", "index": 0, "_selected_action": [s.pk for s in selected]},
            )
        assert page.status_code == 200
        return page.text, len(queries)

    confirmation(english[:1])  # what the first page of the session reads once
    # Every version selected: each release is withdrawn.
    both, few_queries = confirmation([english[0], korean[0]])
    everything, many_queries = confirmation(english + korean)
    assert both.count("Going back to draft withdraws the release") == 2
    assert everything.count("Going back to draft withdraws the release") == 6
    assert many_queries == few_queries
    # The English ones alone: two Korean versions keep the time, the third moves it.
    alone = confirmation(english)[0]
    assert alone.count("Another language version still comes out at that time") == 2
    assert alone.count("Another language version stays scheduled, for another time") == 1
    assert Statement.objects.filter(status=Statement.Status.PUBLISHED).count() == 6  # only asked
    # Which is what the journalist is then told: the Korean version's time, not a withdrawal.
    editor_client.post(
        f"{ADMIN}statements/statement/",
        {"action": "unpublish", "index": 0, "_selected_action": [english[2].pk], "post": "yes"},
    )
    notice = PressNotice.objects.get(delivery__release__translation_key=english[2].translation_key)
    assert notice.told() == (PressNotice.Kind.MOVED, korean[2].published_at)
