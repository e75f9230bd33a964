"""Embargoed releases: a scheduled statement reaches journalists before it is public, once each,
in their language, through a real mail server on 127.0.0.1; its document links work before the
embargo and lead to the public page after it."""

import collections
import datetime
import logging
import re
import threading
import time

import pytest
import time_machine
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from followers import embargo
from followers.models import Journalist, PressDelivery, PressNotice, PressRelease
from icnk import bulk
from icnk.roles import ADMINISTRATORS
from statements.models import Attachment, Campaign, PressContact, Statement
from tests.factories import (
    frozen_first_worker,
    login_with_two_factor,
    make_staff,
    send_mail_to,
    uncommitted_meanwhile,
)
from tests.followers.conftest import parse, text_of

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# The embargo of the statement below: 09:00 on 1 December 2026 in Seoul.
EMBARGO = datetime.datetime(2026, 12, 1, 0, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _ten_days_before():
    """Every test starts ten days before the embargo, whenever it runs (the clock ticks on,
    and tests move it further with `clock`)."""
    with time_machine.travel(EMBARGO - datetime.timedelta(days=10)):
        yield


@pytest.fixture
def seoul(site_settings):
    site_settings.time_zone = "Asia/Seoul"
    site_settings.save()
    return site_settings


@pytest.fixture
def campaign(db):
    return Campaign.objects.create(
        slug="coi", title_en="Commission of Inquiry", goal_en="An inquiry",
        started_on=datetime.date(2011, 9, 8),
    )  # fmt: skip


@pytest.fixture
def embargoed(make_statement, campaign):
    """An English original with a Korean translation, both scheduled for 09:00 Seoul time on
    1 December 2026 (00:00 UTC), a PDF and a public press contact."""
    at = EMBARGO
    en = make_statement(
        title="Coalition welcomes the inquiry's report",
        slug="report",
        summary="The coalition welcomes the report.",
        body="The report **documents** crimes.\n\n- first finding\n- second finding\n\n"
        "Read [the report](https://example.org/report).",
        dateline="Seoul",
        published_at=at,
        campaign=campaign,
    )
    make_statement(
        title="국제연대, 조사위원회 보고서 환영", slug="보고서", language="ko", dateline="서울",
        summary="국제연대는 보고서를 환영합니다.", body="보고서는 범죄를 **기록합니다**.",
        published_at=at, translation_of=en, campaign=campaign,
    )  # fmt: skip
    attachment = Attachment(statement=en, title="Full report", language="en")
    attachment.file.save("report.pdf", ContentFile(PDF), save=False)
    attachment.save()
    PressContact.objects.create(
        statement=en, name="Kim Min-ji", role="Secretariat", contact="+82 2 000 0000",
        contact_is_public=True,
    )  # fmt: skip
    PressContact.objects.create(statement=en, name="Private Person", contact="secret@x.org")
    return en


def journalist(email, languages="en", *, beats=(), status=Journalist.Status.ACTIVE, name=None):
    person = Journalist.objects.create(
        name=name or email.split("@")[0].title(),
        outlet="Daily",
        email=email,
        languages=languages,
        status=status,
        source=Journalist.Source.STAFF,
    )
    person.beats.set(beats)
    return person


@pytest.fixture
def editor():
    from django.contrib.auth.models import User

    return User.objects.create(username="editor", is_staff=True)


def release(statement, editor, journalists):
    return embargo.press_release(statement=statement, user=editor, journalists=journalists)


def subject(message):
    # Folding a long subject can double a space where an encoded word meets a plain one.
    return " ".join(str(message["Subject"]).split())


def plain(message):
    return text_of(message).replace("\r\n", "\n")


def by_recipient(sink):
    return {parse(raw)["To"]: parse(raw) for raw in sink.messages}


def test_each_journalist_gets_the_release_once_in_their_language_before_the_embargo(
    seoul, smtp, run_worker, clock, embargoed, editor, campaign
):
    ko = journalist("ko@example.kr", "ko,en", beats=[campaign])
    ja = journalist("ja@example.jp", "ja")  # no Japanese version: English
    en = journalist("en@example.org", "en")
    release(embargoed, editor, [ko, ja, en])
    run_worker()

    mails = by_recipient(smtp)
    assert sorted(mails) == ["en@example.org", "ja@example.jp", "ko@example.kr"]
    english = mails["en@example.org"]
    assert subject(english) == (
        "EMBARGOED UNTIL 09:00 on 1 December 2026, Asia/Seoul time: "
        "Coalition welcomes the inquiry's report"
    )
    text = plain(english)
    assert text.startswith(
        "EMBARGOED UNTIL 09:00 on 1 December 2026, Asia/Seoul time (UTC+09:00)\n"
        "That is 00:00 on 1 December 2026, UTC."
    )
    assert "SEOUL, 1 December 2026 –" in text
    assert "The coalition welcomes the report." in text
    # The full text as plain text: no Markdown marks, links spelled out.
    assert "The report documents crimes." in text and "**" not in text
    assert "- first finding\n- second finding" in text
    assert "Read the report <https://example.org/report>." in text
    assert "- Kim Min-ji, Secretariat: +82 2 000 0000" in text
    # A contact not marked public is named, but their address is not given out.
    assert "Private Person" in text and "secret@x.org" not in text
    document = re.search(r"http://testserver/en/press/embargoed/document/\S+/", text)
    assert document, text
    leave = f"http://testserver{en.leave_url()}"
    assert english["List-Unsubscribe"].strip() == f"<{leave}>"
    assert english["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert leave in text

    korean = mails["ko@example.kr"]
    assert subject(korean).startswith("[엠바고] 2026년 12월 1일 09:00(Asia/Seoul 시간) 이후 보도")
    assert "국제연대, 조사위원회 보고서 환영" in subject(korean)
    ko_text = plain(korean)
    assert "(서울=2026년 12월 1일)" in ko_text and "보고서는 범죄를 기록합니다." in ko_text
    assert "http://testserver/ko/press/embargoed/document/" in ko_text

    japanese = mails["ja@example.jp"]
    assert subject(japanese).startswith("【解禁日時：2026年12月1日 09:00（Asia/Seoul時間）】")
    assert "Coalition welcomes" in subject(japanese)  # the English version, said so in Japanese
    assert "英語版" in plain(japanese)

    # Released again, by another click or another editor: nobody gets it twice.
    _release, added = release(embargoed, editor, [ko, ja, en])
    assert added == 0
    clock.advance(minutes=10)
    run_worker()
    assert len(smtp.messages) == 3
    # One click in the mail client (RFC 8058): off the list, no login, no second step.
    left = Client().post(leave.removeprefix("http://testserver"), {"List-Unsubscribe": "One-Click"})
    assert left.status_code == 200
    en.refresh_from_db()
    assert en.status == Journalist.Status.LEFT
    assert en not in embargo.beat_journalists(embargoed)
    deliveries = PressDelivery.objects.order_by("journalist__email")
    assert [(d.journalist.email, d.language, d.status) for d in deliveries] == [
        ("en@example.org", "en", "sent"),
        ("ja@example.jp", "en", "sent"),
        ("ko@example.kr", "ko", "sent"),
    ]


def test_journalists_off_the_beat_or_off_the_list_get_nothing_unless_ticked(
    seoul, smtp, run_worker, embargoed, editor, campaign
):
    other = Campaign.objects.create(
        slug="other", title_en="Other", goal_en="x", started_on=datetime.date(2020, 1, 1)
    )
    on_beat = journalist("beat@example.org", beats=[campaign])
    every = journalist("every@example.org")  # no beat: every campaign
    off_beat = journalist("off@example.org", beats=[other])
    journalist("left@example.org", status=Journalist.Status.LEFT)
    journalist("asked@example.org", status=Journalist.Status.CONFIRMED)
    assert set(embargo.beat_journalists(embargoed)) == {on_beat, every}

    release(embargoed, editor, embargo.beat_journalists(embargoed))
    run_worker()
    assert sorted(by_recipient(smtp)) == ["beat@example.org", "every@example.org"]
    # Ticked by hand: the one off the beat gets it too; someone who left the list never does.
    gone = Journalist.objects.get(email="left@example.org")
    _release, added = release(embargoed, editor, [off_beat, gone, on_beat])
    assert added == 1
    run_worker()
    assert sorted(by_recipient(smtp)) == [
        "beat@example.org",
        "every@example.org",
        "off@example.org",
    ]


def test_only_a_scheduled_statement_can_be_released(seoul, make_statement, editor, campaign):
    press = [journalist("a@example.org")]
    draft = make_statement(status=Statement.Status.DRAFT, published_at=None)
    with pytest.raises(embargo.ReleaseError, match="this one is a draft"):
        release(draft, editor, press)
    public = make_statement()
    with pytest.raises(embargo.ReleaseError, match="already public"):
        release(public, editor, press)
    # A scheduled original whose translation is already public: an embargo means nothing.
    original = make_statement(published_at=timezone.now() + datetime.timedelta(hours=3))
    make_statement(language="ko", translation_of=original)
    with pytest.raises(embargo.ReleaseError, match="Korean version is already public"):
        release(original, editor, press)
    # A translation scheduled earlier than the embargo would give it away.
    later = make_statement(published_at=timezone.now() + datetime.timedelta(hours=5))
    make_statement(
        language="ja", translation_of=later,
        published_at=timezone.now() + datetime.timedelta(hours=4),
    )  # fmt: skip
    with pytest.raises(embargo.ReleaseError, match="Japanese version is scheduled for an earlier"):
        release(later, editor, press)
    assert not PressRelease.objects.exists() and not PressDelivery.objects.exists()


class Killed(BaseException):
    """What SIGKILL does to a worker, in-process: it stops dead, no except clause runs."""


def test_a_worker_killed_mid_batch_sends_no_release_twice_and_loses_none(
    seoul, smtp, run_worker, clock, settings, embargoed, editor, monkeypatch
):
    settings.BULK_MAIL_BATCH = 10
    settings.BULK_MAIL_BATCH_SECONDS = 600
    press = [journalist(f"j{i:02d}@example.org") for i in range(25)]
    release(embargoed, editor, press)

    from django.core.mail.backends.smtp import EmailBackend

    real_send = EmailBackend.send_messages
    calls = {"n": 0}

    def dying_send(self, messages):
        calls["n"] += 1
        if calls["n"] == 6:
            raise Killed
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", dying_send)
    with pytest.raises(Killed):
        bulk.send_batch(PressDelivery)
    monkeypatch.setattr(EmailBackend, "send_messages", real_send)
    assert len(smtp.messages) == 5
    states = collections.Counter(PressDelivery.objects.values_list("status", flat=True))
    assert states == {"sent": 5, "sending": 5, "queued": 15}

    run_worker()
    assert len(smtp.messages) == 20  # the dead worker's claimed rows wait ...
    clock.advance(seconds=settings.MAIL_STALE_SECONDS + 1)
    run_worker()  # ... until they are stale, then go once
    counts = collections.Counter(parse(raw)["To"] for raw in smtp.messages)
    assert len(counts) == 25 and set(counts.values()) == {1}
    # The same Message-ID on any attempt: a copy that arrived twice is recognisably one.
    ids = [parse(raw)["Message-ID"] for raw in smtp.messages]
    assert len(set(ids)) == 25


def test_mail_waiting_when_the_embargo_lifts_is_not_sent_late_and_says_why(
    seoul, smtp, run_worker, clock, make_statement, editor, free_port, settings
):
    statement = make_statement(published_at=timezone.now() + datetime.timedelta(hours=1))
    press = [journalist("late@example.org")]
    smtp.stop()  # the mail server is down until after the embargo
    send_mail_to(settings, free_port, timeout=2)
    release(statement, editor, press)
    run_worker()
    delivery = PressDelivery.objects.get()
    assert delivery.status == "queued" and delivery.attempts == 1
    clock.advance(hours=2)
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == "skipped"
    assert delivery.last_error == "The embargo had lifted before the release could be sent."


def document_link(sink, email):
    text = plain(by_recipient(sink)[email])
    return re.search(r"http://testserver(/\w\w/press/embargoed/document/\S+/)", text).group(1)


def test_document_links_serve_the_file_before_the_embargo_and_lead_to_the_page_after(
    seoul, smtp, run_worker, clock, embargoed, editor
):
    release(embargoed, editor, [journalist("en@example.org")])
    run_worker()
    link = document_link(smtp, "en@example.org")
    stranger = Client()  # whoever holds the link: no login, no cookie

    response = stranger.get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert "noindex" in response["X-Robots-Tag"]
    # The public page still says no, to the same person.
    assert stranger.get("/en/statements/report/").status_code == 404

    # The statement's page as it will be public, for the journalist only, its documents
    # behind their signed links (not the upload's own address).
    text = plain(by_recipient(smtp)["en@example.org"])
    preview = re.search(r"http://testserver(/en/press/embargoed/preview/\S+/)", text).group(1)
    page = stranger.get(preview)
    assert page.status_code == 200 and "Coalition welcomes the inquiry&#x27;s report" in page.text
    assert "Under embargo: for journalists on the press list." in page.text
    assert "/en/press/embargoed/document/" in page.text and "/media/attachments/" not in page.text
    assert page["Cache-Control"] == "private, no-store"
    assert "noindex" in page["X-Robots-Tag"]
    assert stranger.get(preview[:-3] + "xx/").status_code == 404

    # A changed link: a page that says so, not the file and not a 500.
    changed = link[:-2] + ("A" if link[-2] != "A" else "B") + "/"
    for bad in [link[:-3] + "xx/", link.replace("document/", "document/a"), changed]:
        refused = stranger.get(bad)
        assert refused.status_code == 404
        assert "This link does not work" in refused.text
        assert refused["Cache-Control"] == "private, no-store"
    assert stranger.get("/en/press/embargoed/document/%00/").status_code == 400

    # From the embargo time: the public page of the statement.
    clock.advance(days=10)
    assert embargoed.published_at <= timezone.now()
    after = stranger.get(link)
    assert after.status_code == 302 and after["Location"] == "/en/statements/report/"
    after = stranger.get(preview)
    assert after.status_code == 302 and after["Location"] == "/en/statements/report/"


def test_an_expired_or_withdrawn_link_says_why(seoul, smtp, run_worker, clock, embargoed, editor):
    from statements.services import statement_schedule, statement_unpublish

    release(embargoed, editor, [journalist("ko@example.kr", "ko")])
    run_worker()
    link = document_link(smtp, "ko@example.kr")
    assert link.startswith("/ko/")
    # Rescheduled a month later (both versions): the link still ends a week after the embargo
    # it was sent under.
    later = embargoed.published_at + datetime.timedelta(days=30)
    for version in Statement.objects.versions_of(embargoed):
        statement_schedule(statement=version, user=editor, at=later)
    assert Client().get(link).status_code == 200
    clock.advance(days=10 + 8)
    expired = Client().get(link)
    assert expired.status_code == 410
    assert "만료" in expired.text

    clock.advance(days=-17)
    for version in Statement.objects.versions_of(embargoed):
        statement_unpublish(statement=version, user=editor)  # back to draft: withdrawn
    withdrawn = Client().get(link)
    assert withdrawn.status_code == 410
    assert "철회" in withdrawn.text


def test_a_withdrawn_release_stays_withdrawn_when_the_statement_is_scheduled_again(
    seoul, smtp, run_worker, clock, embargoed, editor
):
    """Attack: the secretariat pulls a release (back to draft, e.g. because one journalist
    broke the embargo), rewrites the statement and schedules it again for a release that
    leaves that journalist out. Their old links must not show the new text before it is
    public."""
    from statements.services import statement_schedule, statement_unpublish

    release(embargoed, editor, [journalist("leaker@example.org")])
    run_worker()
    link = document_link(smtp, "leaker@example.org")
    text = plain(by_recipient(smtp)["leaker@example.org"])
    preview = re.search(r"http://testserver(/en/press/embargoed/preview/\S+/)", text).group(1)

    for version in Statement.objects.versions_of(embargoed):
        statement_unpublish(statement=version, user=editor)
    assert Client().get(preview).status_code == 410
    embargoed.refresh_from_db()
    embargoed.body = "A rewritten text, not for the leaker."
    embargoed.save()
    later = EMBARGO + datetime.timedelta(days=3)
    for version in Statement.objects.versions_of(embargoed):
        statement_schedule(statement=version, user=editor, at=later)

    for url in (link, preview):
        again = Client().get(url)
        assert again.status_code == 410, url
        assert "not for the leaker" not in again.text


# -- when the embargo given stops holding ------------------------------------------------------


def _unpublish(statement, editor):
    from statements import services

    services.statement_unpublish(statement=Statement.objects.get(pk=statement.pk), user=editor)


def _schedule(statement, editor, at):
    from statements import services

    services.statement_schedule(
        statement=Statement.objects.get(pk=statement.pk), user=editor, at=at
    )


def _publish(statement, editor):
    from statements import services

    services.statement_publish(statement=Statement.objects.get(pk=statement.pk), user=editor)


def _new_mail(sink, before):
    return [parse(raw) for raw in sink.messages[before:]]


def test_a_withdrawn_release_is_called_back_once_from_each_journalist_who_has_it(
    seoul, smtp, run_worker, clock, embargoed, editor
):
    ko = journalist("ko@example.kr", "ko,en")
    ja = journalist("ja@example.jp", "ja")
    en = journalist("en@example.org", "en")
    gone = journalist("gone@example.org", "en")
    release(embargoed, editor, [ko, ja, en, gone])
    run_worker()
    assert len(smtp.messages) == 4
    gone.status = Journalist.Status.LEFT  # left the list since: no more mail, even this
    gone.save()
    korean = Statement.objects.get(translation_of=embargoed)

    _unpublish(embargoed, editor)  # the Korean version still comes out at 09:00: nothing to say
    run_worker()
    assert len(smtp.messages) == 4
    _unpublish(korean, editor)  # now nothing does
    clock.advance(minutes=1)
    run_worker()

    mails = {m["To"]: m for m in _new_mail(smtp, 4)}
    assert sorted(mails) == ["en@example.org", "ja@example.jp", "ko@example.kr"]
    english = mails["en@example.org"]
    assert subject(english) == "WITHDRAWN, do not publish: Coalition welcomes the inquiry's report"
    text = plain(english)
    assert text.startswith("WITHDRAWN: PLEASE DO NOT PUBLISH\n")
    assert (
        "We sent you “Coalition welcomes the inquiry's report” under embargo until 09:00 on "
        "1 December 2026, Asia/Seoul time. We have withdrawn it" in text
    )
    assert "Please do not publish, broadcast or post online any of it." in text
    assert f"http://testserver{en.leave_url()}" in text
    # In the version each was sent: the Korean reporter knows the Korean title.
    assert "국제연대, 조사위원회 보고서 환영" in subject(mails["ko@example.kr"])
    # The English version (no Japanese one), in Japanese words.
    assert subject(mails["ja@example.jp"]) == (
        "【配信撤回・掲載はお控えください】Coalition welcomes the inquiry's report"
    )
    assert english["References"].startswith("<press-")

    # Said once: withdrawing again, or another sweep, sends nothing more; nor does scheduling
    # it again (perhaps rewritten): whether to release it anew is the secretariat's call.
    _unpublish(korean, editor)
    _schedule(korean, editor, EMBARGO + datetime.timedelta(days=2))
    clock.advance(minutes=10)
    run_worker()
    assert len(smtp.messages) == 7


def test_a_new_time_is_told_each_time_and_then_that_it_is_public(
    seoul, smtp, run_worker, clock, embargoed, editor
):
    en = journalist("en@example.org", "en")
    ko = journalist("ko@example.kr", "ko")
    release(embargoed, editor, [en, ko])
    run_worker()
    korean = Statement.objects.get(translation_of=embargoed)
    later = EMBARGO + datetime.timedelta(days=1)

    _schedule(embargoed, editor, later)  # the Korean version still at the first time
    run_worker()
    assert len(smtp.messages) == 2
    _schedule(korean, editor, later)
    clock.advance(minutes=1)
    run_worker()
    moved = {m["To"]: m for m in _new_mail(smtp, 2)}
    assert subject(moved["en@example.org"]) == (
        "NEW EMBARGO TIME 09:00 on 2 December 2026, Asia/Seoul time: "
        "Coalition welcomes the inquiry's report"
    )
    text = plain(moved["en@example.org"])
    assert text.startswith(
        "NEW EMBARGO TIME 09:00 on 2 December 2026, Asia/Seoul time (UTC+09:00)\n"
        "That is 00:00 on 2 December 2026, UTC."
    )
    assert "under embargo until 09:00 on 1 December 2026, Asia/Seoul time. That time no" in text
    assert subject(moved["ko@example.kr"]).startswith("[엠바고 변경] 2026년 12월 2일 09:00")

    # Moved again: told again, against the time they were last given.
    _schedule(embargoed, editor, later + datetime.timedelta(hours=3))
    _schedule(korean, editor, later + datetime.timedelta(hours=3))
    clock.advance(minutes=1)
    run_worker()
    again = {m["To"]: m for m in _new_mail(smtp, 4)}
    assert "12:00 on 2 December 2026" in subject(again["en@example.org"])
    assert "until 09:00 on 2 December 2026" in plain(again["en@example.org"])

    # Published before its time: the embargo is lifted, and where to read it.
    _publish(korean, editor)
    clock.advance(minutes=1)
    run_worker()
    lifted = {m["To"]: m for m in _new_mail(smtp, 6)}
    assert sorted(lifted) == ["en@example.org", "ko@example.kr"]
    assert subject(lifted["en@example.org"]) == (
        "EMBARGO LIFTED, public now: Coalition welcomes the inquiry's report"
    )
    # Only the Korean version is public: the English reporter is sent there.
    assert korean.get_absolute_url() in plain(lifted["en@example.org"])
    assert subject(lifted["ko@example.kr"]).startswith("[엠바고 해제]")

    # After that, nothing is said by itself: unpublishing a public statement is not an embargo.
    _publish(embargoed, editor)
    _unpublish(korean, editor)
    clock.advance(minutes=10)
    run_worker()
    assert len(smtp.messages) == 8


def test_nothing_is_said_once_the_embargo_has_lifted_as_planned(
    seoul, smtp, run_worker, clock, embargoed, editor
):
    release(embargoed, editor, [journalist("en@example.org", "en")])
    run_worker()
    clock.advance(days=11)  # past 09:00 on 1 December: public, as they were told
    _unpublish(embargoed, editor)
    run_worker()
    assert len(smtp.messages) == 1


def test_a_release_still_on_its_way_is_followed_by_its_notice_not_overtaken(
    seoul, smtp, run_worker, clock, embargoed, editor
):
    release(embargoed, editor, [journalist("en@example.org", "en")])
    # A worker has claimed the release (built before the change) and not finished it.
    PressDelivery.objects.update(status=PressDelivery.Status.SENDING, claimed_at=timezone.now())
    korean = Statement.objects.get(translation_of=embargoed)
    _unpublish(embargoed, editor)
    _unpublish(korean, editor)
    run_worker()
    assert smtp.messages == []  # the notice waits for the release it is about
    PressDelivery.objects.update(status=PressDelivery.Status.SENT, sent_at=timezone.now())
    clock.advance(minutes=5)
    run_worker()
    assert [subject(parse(raw)) for raw in smtp.messages] == [
        "WITHDRAWN, do not publish: Coalition welcomes the inquiry's report"
    ]
    # Waiting was not a failure: no attempt counted against it.
    assert PressNotice.objects.get().attempts == 1


def _both(action, statement, editor, *args):
    action(statement, editor, *args)
    action(Statement.objects.get(translation_of=statement), editor, *args)


def test_a_change_undone_before_the_mail_goes_sends_nothing(
    seoul, smtp, run_worker, clock, embargoed, editor
):
    release(embargoed, editor, [journalist("en@example.org", "en")])
    run_worker()
    # Withdrawn by a slip and put back at the same time before the worker came by.
    _both(_unpublish, embargoed, editor)
    _both(_schedule, embargoed, editor, EMBARGO)
    # "Publish now" on one version, then undone: the other still comes out at 09:00.
    _publish(embargoed, editor)
    _unpublish(embargoed, editor)
    clock.advance(minutes=1)
    run_worker()
    assert len(smtp.messages) == 1  # the release, and nothing after it
    assert not Statement.objects.published().exists()


def test_several_changes_before_the_mail_goes_are_said_once_as_they_stand(
    seoul, smtp, run_worker, clock, embargoed, editor, settings
):
    release(embargoed, editor, [journalist("en@example.org", "en")])
    # The release is still on its way while the statement is moved, then withdrawn.
    PressDelivery.objects.update(status=PressDelivery.Status.SENDING, claimed_at=timezone.now())
    _both(_schedule, embargoed, editor, EMBARGO + datetime.timedelta(days=1))
    bulk.send_batch(PressNotice)
    _both(_unpublish, embargoed, editor)
    PressDelivery.objects.update(status=PressDelivery.Status.SENT, sent_at=timezone.now())
    clock.advance(minutes=2)
    run_worker()
    assert [subject(parse(raw)) for raw in smtp.messages] == [
        "WITHDRAWN, do not publish: Coalition welcomes the inquiry's report"
    ]


def test_a_new_time_that_has_come_by_the_time_the_mail_goes_says_it_is_public(
    seoul, smtp, run_worker, clock, embargoed, editor
):
    release(embargoed, editor, [journalist("en@example.org", "en")])
    run_worker()
    _both(_schedule, embargoed, editor, timezone.now() + datetime.timedelta(minutes=5))
    smtp.refuse["en@example.org"] = "451 4.3.0 Try again later"  # busy for half an hour
    run_worker()
    clock.advance(minutes=30)
    smtp.refuse.clear()
    run_worker()
    [notice] = [parse(raw) for raw in smtp.messages[1:]]
    assert subject(notice).startswith("EMBARGO LIFTED, public now:")


def test_a_journalist_with_two_copies_is_told_once(
    seoul, smtp, run_worker, clock, embargoed, editor
):
    first = journalist("first@example.org", "en")
    release(embargoed, editor, [first])
    run_worker()
    _both(_schedule, embargoed, editor, EMBARGO + datetime.timedelta(days=1))
    clock.advance(minutes=1)
    run_worker()
    # Released again at the new time, to them and to a colleague.
    release(Statement.objects.get(pk=embargoed.pk), editor, [first, journalist("new@example.org")])
    clock.advance(minutes=1)
    run_worker()
    before = len(smtp.messages)
    assert before == 4  # release, new time, release again, the colleague's release
    _both(_unpublish, embargoed, editor)
    clock.advance(minutes=1)
    run_worker()
    told = sorted(parse(raw)["To"] for raw in smtp.messages[before:])
    assert told == ["first@example.org", "new@example.org"]


def test_a_release_waiting_when_a_version_goes_public_early_is_not_sent(
    seoul, smtp, run_worker, clock, embargoed, editor
):
    release(embargoed, editor, [journalist("en@example.org", "en")])
    _publish(Statement.objects.get(translation_of=embargoed), editor)  # before the worker
    run_worker()
    clock.advance(minutes=10)
    run_worker()
    assert smtp.messages == []  # no "EMBARGOED UNTIL" for what is public already
    assert PressDelivery.objects.get().status == PressDelivery.Status.SKIPPED


def test_the_notice_names_the_title_that_was_sent_not_a_rewritten_draft(
    seoul, smtp, run_worker, clock, embargoed, editor
):
    release(embargoed, editor, [journalist("en@example.org", "en")])
    run_worker()
    _both(_unpublish, embargoed, editor)
    Statement.objects.filter(pk=embargoed.pk).update(title="Draft 2: a sharper title")
    clock.advance(minutes=1)
    run_worker()
    notice = parse(smtp.messages[1])
    assert "Coalition welcomes the inquiry's report" in subject(notice)
    assert "Draft 2" not in plain(notice)
    assert "- Kim Min-ji, Secretariat: +82 2 000 0000" in plain(notice)  # whom to ask


def test_a_release_withdrawn_and_put_back_can_be_sent_again_to_those_told(
    seoul, smtp, run_worker, clock, embargoed, editor
):
    en = journalist("en@example.org", "en")
    release(embargoed, editor, [en])
    run_worker()
    _both(_unpublish, embargoed, editor)
    clock.advance(minutes=1)
    run_worker()
    assert subject(parse(smtp.messages[1])).startswith("WITHDRAWN")
    _both(_schedule, embargoed, editor, EMBARGO)
    run_worker()
    assert len(smtp.messages) == 2  # scheduling again says nothing by itself
    _release, added = release(Statement.objects.get(pk=embargoed.pk), editor, [en])
    assert added == 1
    clock.advance(minutes=1)
    run_worker()
    first, _withdrawn, again = (parse(raw) for raw in smtp.messages)
    assert subject(again).startswith("EMBARGOED UNTIL 09:00 on 1 December 2026")
    assert again["Message-ID"] != first["Message-ID"]  # not taken for the first copy
    # And from then on they hold it again: a new time is told.
    _both(_schedule, embargoed, editor, EMBARGO + datetime.timedelta(hours=1))
    clock.advance(minutes=1)
    run_worker()
    assert subject(parse(smtp.messages[3])).startswith("NEW EMBARGO TIME 10:00")


@pytest.mark.parametrize("change", ["withdraw", "move"])
def test_a_notice_held_up_past_the_old_time_still_goes_and_asks_to_take_it_down(
    seoul, smtp, run_worker, clock, embargoed, editor, change
):
    release(embargoed, editor, [journalist("en@example.org", "en")])
    run_worker()
    clock.advance(days=10, minutes=-2)  # two minutes before 09:00 on 1 December
    if change == "withdraw":
        _both(_unpublish, embargoed, editor)
    else:
        _both(_schedule, embargoed, editor, EMBARGO + datetime.timedelta(days=1))
    smtp.refuse["en@example.org"] = "451 4.3.0 Try again later"  # busy until after 09:00
    run_worker()
    clock.advance(minutes=5)
    smtp.refuse.clear()
    run_worker()
    [notice] = [parse(raw) for raw in smtp.messages[1:]]
    text = " ".join(plain(notice).split())
    if change == "withdraw":
        assert subject(notice).startswith("WITHDRAWN")
        assert "if you have published it already, please take it down." in text
    else:
        assert subject(notice).startswith("NEW EMBARGO TIME 09:00 on 2 December")
        assert "please take it down until the new time." in text


def test_a_change_made_while_a_notice_is_on_its_way_is_told_after_it(
    seoul, smtp, run_worker, clock, embargoed, editor, settings
):
    release(embargoed, editor, [journalist("en@example.org", "en")])
    run_worker()
    _both(_schedule, embargoed, editor, EMBARGO + datetime.timedelta(days=1))

    def staff_withdraw_it():  # while the notice of the new time is on its way
        _both(_unpublish, embargoed, editor)

    with frozen_first_worker(settings, staff_withdraw_it, accept=True) as later:
        clock.advance(minutes=1)
        run_worker()
        clock.advance(minutes=2)
        run_worker()
    assert [subject(parse(raw))[:20] for raw in later.messages] == [
        "NEW EMBARGO TIME 09:",  # on its way when staff withdrew it
        "WITHDRAWN, do not pu",  # and then the withdrawal
    ]
    ids = [parse(raw)["Message-ID"] for raw in later.messages]
    assert len(set(ids)) == 2


def test_a_release_sent_again_is_sent_once_whoever_clicks_meanwhile(
    seoul, smtp, run_worker, clock, embargoed, editor, settings
):
    en = journalist("en@example.org", "en")
    release(embargoed, editor, [en])
    run_worker()
    t2 = EMBARGO + datetime.timedelta(days=1)
    _both(_schedule, embargoed, editor, t2)
    clock.advance(minutes=1)
    run_worker()
    release(Statement.objects.get(pk=embargoed.pk), editor, [en])  # their second copy, at t2
    clock.advance(minutes=1)
    run_worker()
    _both(_unpublish, embargoed, editor)  # the withdrawal goes on the second copy
    clock.advance(minutes=1)
    run_worker()
    _both(_schedule, embargoed, editor, EMBARGO)  # back to the first time
    colleague = journalist("b@example.org")

    added_meanwhile = []

    def another_click():  # a colleague releases it to someone else, en still ticked
        added_meanwhile.append(
            release(Statement.objects.get(pk=embargoed.pk), editor, [en, colleague])[1]
        )

    _release, added = release(Statement.objects.get(pk=embargoed.pk), editor, [en])
    assert added == 1
    with frozen_first_worker(settings, another_click, accept=True) as later:
        clock.advance(minutes=1)
        run_worker()
        clock.advance(minutes=1)
        run_worker()
    assert added_meanwhile == [1]  # the colleague; en's copy is on its way
    assert sorted(parse(raw)["To"] for raw in later.messages) == [
        "b@example.org",
        "en@example.org",
    ]
    ids = [parse(raw)["Message-ID"] for raw in smtp.messages + later.messages]
    assert len(ids) == len(set(ids)) == 6  # the first copy's id is not used again


def test_an_address_that_refuses_mail_is_sent_nothing_more_even_what_was_queued_for_it(
    seoul, smtp, run_worker, clock, settings, embargoed, make_statement, editor
):
    """The bounce limit takes a journalist off the press list: copies and notices already
    queued for them are not sent either, as for one who left the list."""
    settings.MAIL_BOUNCE_LIMIT = 1
    en, dead = journalist("en@example.org", "en"), journalist("dead@example.org", "en")
    release(embargoed, editor, [en, dead])
    run_worker()
    assert sorted(parse(raw)["To"] for raw in smtp.messages) == [
        "dead@example.org",
        "en@example.org",
    ]
    # The address is gone now. Two more releases are queued for both before the worker runs.
    smtp.refuse["dead@example.org"] = "550 5.1.1 No such user here"
    later = [
        make_statement(title=f"Later {n}", slug=f"later-{n}", published_at=EMBARGO)
        for n in range(2)
    ]
    for statement in later:
        release(statement, editor, [en, dead])
    run_worker()
    dead.refresh_from_db()
    assert dead.bounces == 1  # refused once: the second copy was not tried
    copies = PressDelivery.objects.filter(journalist=dead, release__statement__in=later)
    assert sorted(copies.values_list("status", flat=True)) == [
        PressDelivery.Status.FAILED,
        PressDelivery.Status.SKIPPED,
    ]
    assert (
        "refused mail to the journalist's address too often"
        in copies.get(status=PressDelivery.Status.SKIPPED).last_error
    )

    # Deleting the first statement waits for the one who would be told, not for the other.
    (refusal,) = embargo.deletion_refusals(statements=[embargoed])
    assert "1 journalist holds it" in refusal

    # The first release is withdrawn: the journalist still on the list is told; the other's
    # address would refuse it, and is not tried.
    before = len(smtp.messages)
    _both(_unpublish, embargoed, editor)
    clock.advance(minutes=1)
    run_worker()
    assert [m["To"] for m in _new_mail(smtp, before)] == ["en@example.org"]
    notice = PressNotice.objects.get(delivery__journalist=dead)
    assert notice.status == PressNotice.Status.SKIPPED
    dead.refresh_from_db()
    assert dead.bounces == 1


def test_a_journalist_erased_while_the_release_goes_out_is_skipped_quietly(
    transactional_db, seoul, run_worker, settings, embargoed, editor, caplog
):
    """The secretariat erases a journalist while the worker is sending the release to the one
    before them: their copy is gone, and is neither built, nor an error in the log."""
    from members.personal_data import personal_data_erase

    first = journalist("a-first@example.org", "en")  # copies go in the order of addresses
    erased = journalist("z-erased@example.org", "en")
    release(embargoed, editor, [first, erased])
    administrator = make_staff("ada", ADMINISTRATORS)

    def the_secretariat_erases_them():
        personal_data_erase(subject=erased, user=administrator)

    with (
        caplog.at_level(logging.WARNING),
        frozen_first_worker(settings, the_secretariat_erases_them, accept=True) as sink,
    ):
        bulk.send_batch(PressDelivery)  # the first copy stalls while the second goes
    assert [parse(raw)["To"] for raw in sink.messages] == ["a-first@example.org"]
    assert not Journalist.objects.filter(email="z-erased@example.org").exists()
    assert "could not be built" not in caplog.text
    assert "z-erased@example.org" not in caplog.text


def test_why_a_copy_was_not_sent_reads_in_the_staff_members_language(
    seoul, smtp, run_worker, embargoed, editor, administrator_client
):
    gone = journalist("gone@example.org", "en")
    refusing = journalist("refusing@example.org", "en")
    release(embargoed, editor, [gone, refusing])
    gone.status = Journalist.Status.LEFT  # left before the worker came to their copy
    gone.save()
    smtp.refuse["refusing@example.org"] = "550 5.1.1 No such user here"
    run_worker()
    record = PressRelease.objects.get()
    url = f"/{settings.ADMIN_URL}followers/pressrelease/{record.pk}/change/"
    pages = {
        language: administrator_client.get(url, HTTP_ACCEPT_LANGUAGE=language).text
        for language in ("en", "ko", "ja")
    }
    assert "The journalist is no longer on the press list." in pages["en"]
    assert "이 기자는 더 이상 기자 명단에 없습니다." in pages["ko"]
    assert "この記者はもうプレスリストに登録されていません。" in pages["ja"]
    # The mail server's own words are shown as they came, in every language.
    assert all("No such user here" in page for page in pages.values())


# -- deleting what journalists still hold -------------------------------------------------------


@pytest.fixture
def administrator_client(client):
    client.staff = make_staff("ada", ADMINISTRATORS)
    login_with_two_factor(client, client.staff)
    return client


def _delete_page(client, statement):
    return client.get(f"/{settings.ADMIN_URL}statements/statement/{statement.pk}/delete/")


def _delete(client, statement):
    return client.post(
        f"/{settings.ADMIN_URL}statements/statement/{statement.pk}/delete/", {"post": "yes"}
    )


def test_a_released_statement_is_deleted_only_once_the_journalists_have_been_told(
    seoul, smtp, run_worker, clock, embargoed, editor, administrator_client
):
    en = journalist("en@example.org", "en")
    ko = journalist("ko@example.kr", "ko")
    gone = journalist("gone@example.org", "en")
    release(embargoed, editor, [en, ko, gone])
    run_worker()
    gone.status = Journalist.Status.LEFT  # off the list: not told, so not counted
    gone.save()
    korean = Statement.objects.get(translation_of=embargoed)

    # Deleting the Korean version would tell nobody: the journalist who has it, in Korean,
    # would publish it at 09:00. Refused, saying why and what to do instead.
    page = _delete_page(administrator_client, korean)
    assert page.status_code == 200
    assert "2 journalists hold it under an embargo that has not passed" in page.text
    assert "Unpublish every language version first" in page.text
    assert 'type="submit"' not in page.text.split('id="content"')[1]
    _delete(administrator_client, korean)
    assert Statement.objects.filter(pk=korean.pk).exists()
    # Nor through the list's "Delete selected" action.
    listed = _delete_selected(administrator_client, korean)
    assert "2 journalists hold it" in listed.text
    assert Statement.objects.filter(pk=korean.pk).exists()
    # Nor the release itself, whose copies and notices would go with it.
    record = PressRelease.objects.get()
    release_page = administrator_client.get(
        f"/{settings.ADMIN_URL}followers/pressrelease/{record.pk}/delete/"
    )
    assert "2 journalists hold it" in release_page.text
    administrator_client.post(
        f"/{settings.ADMIN_URL}followers/pressrelease/{record.pk}/delete/", {"post": "yes"}
    )
    assert PressRelease.objects.filter(pk=record.pk).exists()

    # Unpublished, the Korean version can go: the English one still keeps the time, and the
    # release was made from it.
    _unpublish(korean, editor)
    assert "journalists hold it" not in _delete_page(administrator_client, korean).text
    _delete(administrator_client, korean)
    assert not Statement.objects.filter(pk=korean.pk).exists()

    # The English one, unpublished: the notices are still to go, and would go with it.
    _unpublish(embargoed, editor)
    assert "2 journalists hold it" in _delete_page(administrator_client, embargoed).text
    _delete(administrator_client, embargoed)
    assert Statement.objects.filter(pk=embargoed.pk).exists()
    clock.advance(minutes=1)
    run_worker()
    assert sorted(parse(raw)["To"] for raw in smtp.messages[3:]) == [
        "en@example.org",
        "ko@example.kr",
    ]
    # Told: now it can be deleted, release and all.
    assert "journalists hold it" not in _delete_page(administrator_client, embargoed).text
    _delete(administrator_client, embargoed)
    assert not Statement.objects.filter(pk=embargoed.pk).exists()
    assert not PressRelease.objects.exists()


def test_a_released_statement_can_be_deleted_once_its_embargo_has_passed(
    seoul, smtp, run_worker, clock, embargoed, editor, administrator_client
):
    release(embargoed, editor, [journalist("en@example.org", "en")])
    # Its copy still to go would go with it.
    assert "1 journalist holds it" in _delete_page(administrator_client, embargoed).text
    run_worker()
    assert "1 journalist holds it" in _delete_page(administrator_client, embargoed).text
    clock.advance(days=11)  # 09:00 on 1 December has passed: public, as they were told
    korean = Statement.objects.get(translation_of=embargoed)
    # Signed in anew: a staff session does not last eleven days.
    login_with_two_factor(administrator_client, administrator_client.staff)
    assert "holds it" not in _delete_page(administrator_client, embargoed).text
    _delete(administrator_client, korean)
    _delete(administrator_client, embargoed)
    assert not Statement.objects.filter(pk__in=[korean.pk, embargoed.pk]).exists()


def test_a_notice_still_to_go_past_the_old_time_keeps_the_statement(
    seoul, smtp, run_worker, clock, embargoed, editor, administrator_client
):
    release(embargoed, editor, [journalist("en@example.org", "en")])
    run_worker()
    _both(_unpublish, embargoed, editor)
    clock.advance(days=11)  # the mail was held up past 09:00: it still goes, to take it down
    login_with_two_factor(administrator_client, administrator_client.staff)
    assert "1 journalist holds it" in _delete_page(administrator_client, embargoed).text
    _delete(administrator_client, embargoed)
    assert Statement.objects.filter(pk=embargoed.pk).exists()
    run_worker()
    assert subject(parse(smtp.messages[-1])).startswith("WITHDRAWN")
    _delete(administrator_client, Statement.objects.get(translation_of=embargoed))
    _delete(administrator_client, embargoed)
    assert not Statement.objects.filter(pk=embargoed.pk).exists()


def _under(page, element_id):
    """The text of the list with this id on a page ("" when there is none)."""
    found = re.search(rf'<ul id="{element_id}">(.*?)</ul>', page.text, re.S)
    return re.sub(r"<[^>]+>", " ", found.group(1)) if found else ""


def test_a_refusal_is_told_as_a_reason_not_as_a_protected_object(
    seoul, smtp, run_worker, embargoed, editor, administrator_client
):
    release(embargoed, editor, [journalist("en@example.org", "en")])
    korean = Statement.objects.get(translation_of=embargoed)

    page = _delete_page(administrator_client, korean)
    assert "cannot be deleted yet" in page.text
    assert "1 journalist holds it" in _under(page, "deletion-refusals")
    assert "protected related objects" not in page.text

    # The English original also keeps its Korean translation from going (a protected object,
    # as Django says): each reason under its own heading.
    page = _delete_page(administrator_client, embargoed)
    assert "1 journalist holds it" in _under(page, "deletion-refusals")
    assert "protected related objects" in page.text
    assert "국제연대, 조사위원회 보고서 환영" in _under(page, "deleted-objects")
    assert "holds it" not in _under(page, "deleted-objects")

    listed = administrator_client.post(
        f"/{settings.ADMIN_URL}statements/statement/",
        {"action": "delete_selected", "_selected_action": [korean.pk]},
    )
    assert "The selected statement cannot be deleted yet" in listed.text
    assert "1 journalist holds it" in _under(listed, "deletion-refusals")
    assert "protected related objects" not in listed.text
    assert 'name="post"' not in listed.text


def test_the_delete_confirmation_reads_the_press_list_once_however_many_are_selected(
    seoul, make_statement, editor, administrator_client
):
    """The list's "Delete" action checks every selected statement for journalists holding it:
    in the same number of queries for three statements as for one."""
    en, ko = journalist("en@example.org", "en"), journalist("ko@example.kr", "ko")
    released = []
    for n in range(3):
        statement = make_statement(title=f"Scheduled {n}", slug=f"scheduled-{n}",
                                   published_at=EMBARGO)  # fmt: skip
        release(statement, editor, [en, ko])
        released.append(statement)

    def confirmation(statements):
        with CaptureQueriesContext(connection) as queries:
            page = administrator_client.post(
                f"/{settings.ADMIN_URL}statements/statement/",
                {"action": "delete_selected", "_selected_action": [s.pk for s in statements]},
            )
        for statement in statements:
            assert f"“{statement.title}”: 2 journalists hold it" in page.text
        return len(queries)

    confirmation(released[:1])  # what the desk keeps per process is read once, here
    assert confirmation(released) == confirmation(released[:1])


def test_a_release_record_is_not_deleted_from_its_list_while_journalists_count_on_it(
    seoul, smtp, run_worker, embargoed, editor, administrator_client
):
    release(embargoed, editor, [journalist("en@example.org", "en")])
    run_worker()
    record = PressRelease.objects.get()
    listed = administrator_client.post(
        f"/{settings.ADMIN_URL}followers/pressrelease/",
        {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"},
    )
    assert "cannot be deleted yet" in listed.text
    assert "1 journalist holds it" in _under(listed, "deletion-refusals")
    assert PressRelease.objects.filter(pk=record.pk).exists()
    assert PressDelivery.objects.filter(release=record).exists()


@pytest.mark.parametrize(
    ("language", "heading", "reason"),
    [
        ("ko", "아직 삭제할 수 없습니다", "엠바고 시각이 아직 지나지 않은 상태로 이를 받은 기자"),
        ("ja", "まだ削除できません", "解禁日時がまだ来ていない状態でこれを受け取った記者"),
    ],
)
def test_a_refusal_reads_in_the_staff_members_language(
    seoul, smtp, embargoed, editor, administrator_client, language, heading, reason
):
    release(embargoed, editor, [journalist("en@example.org", "en")])
    korean = Statement.objects.get(translation_of=embargoed)
    page = administrator_client.get(
        f"/{settings.ADMIN_URL}statements/statement/{korean.pk}/delete/",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert heading in page.text
    assert reason in _under(page, "deletion-refusals")
    assert "cannot be deleted yet" not in page.text
    assert "journalist holds it" not in page.text
    listed = administrator_client.post(
        f"/{settings.ADMIN_URL}statements/statement/",
        {"action": "delete_selected", "_selected_action": [korean.pk]},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert heading in listed.text
    assert reason in _under(listed, "deletion-refusals")


def _delete_selected(client, statement):
    return client.post(
        f"/{settings.ADMIN_URL}statements/statement/",
        {"action": "delete_selected", "_selected_action": [statement.pk], "post": "yes"},
    )


def _delete_by_any_post(client, statement):  # Django's delete page deletes on any POST
    return client.post(
        f"/{settings.ADMIN_URL}statements/statement/{statement.pk}/delete/", {"anything": "1"}
    )


@pytest.mark.parametrize(
    "delete", [_delete, _delete_selected, _delete_by_any_post], ids=["page", "list", "any-post"]
)
def test_a_release_made_while_a_deletion_is_checked_keeps_the_statement(
    transactional_db, seoul, embargoed, editor, administrator_client, delete
):
    """A colleague releases the statement to the press while the Korean version's deletion is
    being confirmed: the deletion waits for the release, sees the journalist now holding it,
    and refuses, rather than deleting what the journalist is about to receive."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite lets one writer in at a time")
    korean = Statement.objects.get(translation_of=embargoed)
    en = journalist("en@example.org", "en")
    # The release's rows, written but not yet committed: the colleague's transaction ends a
    # second after the deletion has been sent.
    with uncommitted_meanwhile(
        lambda: release(Statement.objects.get(pk=embargoed.pk), editor, [en])
    ):
        refused = delete(administrator_client, korean)
    assert PressDelivery.objects.filter(journalist=en).count() == 1
    assert Statement.objects.filter(pk=korean.pk).exists()
    assert "1 journalist holds it" in _under(refused, "deletion-refusals")


def test_a_deletion_and_a_publication_at_the_same_time_both_go_through(
    transactional_db, seoul, embargoed, administrator_client
):
    """Deleting the Korean version locks every version; a colleague meanwhile changes that
    version and then adds a row pointing at the English one (a publication adds signatures to
    the original): neither waits for the other for ever, and neither fails."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite lets one writer in at a time")
    korean = Statement.objects.get(translation_of=embargoed)
    changed, failures = threading.Event(), []

    def colleague_publishes():
        try:
            with transaction.atomic():
                Statement.objects.filter(pk=korean.pk).update(summary="Changed.")
                changed.set()
                time.sleep(1.0)  # the deletion is waiting for this version meanwhile
                PressContact.objects.create(statement=embargoed, name="Added meanwhile")
        except Exception as error:  # noqa: BLE001 - the test reports it below
            failures.append(error)
        finally:
            connections.close_all()

    colleague = threading.Thread(target=colleague_publishes)
    colleague.start()
    assert changed.wait(timeout=30)
    try:
        deleted = _delete(administrator_client, korean)
    finally:
        colleague.join(timeout=30)
    assert failures == []
    assert deleted.status_code == 302
    assert not Statement.objects.filter(pk=korean.pk).exists()
    assert PressContact.objects.filter(name="Added meanwhile").exists()
