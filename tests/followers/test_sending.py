"""Each statement to each subscriber once, in their language, when it becomes public, through a
real mail server on 127.0.0.1 that refuses, goes down and comes back."""

import collections
import datetime
import logging

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from followers.models import Announcement, Delivery, Subscriber
from followers.services import announce_due
from icnk import bulk
from icnk.mail import queue_mail
from icnk.roles import ADMINISTRATORS
from members.personal_data import personal_data_erase
from statements.models import Statement
from tests.factories import SMTPSink, frozen_first_worker, make_staff
from tests.followers.conftest import parse, text_of

# The worker runs in the test's process and commits, as a real one does (on PostgreSQL it
# closes a connection left inside a transaction).
pytestmark = pytest.mark.django_db(transaction=True)


def recipients(sink):
    return collections.Counter(parse(raw)["To"] for raw in sink.messages)


def test_each_subscriber_gets_the_statement_in_their_language_else_english(
    site_settings, smtp, run_worker, make_statement, make_subscriber
):
    en = make_statement(title="Coalition welcomes the inquiry", dateline="Tokyo")
    make_statement(
        title="国際NGO連合、調査委員会を歓迎", slug="歓迎", language="ja", dateline="東京",
        body="日本語の本文。", summary="日本語の要約。", translation_of=en,
    )  # fmt: skip
    make_subscriber("ja@example.jp", language="ja")
    make_subscriber("ko@example.kr", language="ko")
    make_subscriber("en@example.org", language="en")
    run_worker()

    mails = {parse(raw)["To"]: parse(raw) for raw in smtp.messages}
    assert sorted(mails) == ["en@example.org", "ja@example.jp", "ko@example.kr"]
    ja = mails["ja@example.jp"]
    assert ja["Subject"].startswith("国際NGO連合、調査委員会を歓迎")
    ja_text = text_of(ja)
    assert "【東京】" in ja_text and "日本語の要約。" in ja_text and "日本語の本文。" in ja_text
    assert "http://testserver/ja/statements/%E6%AD%93%E8%BF%8E/" in ja_text
    ko_text = text_of(mails["ko@example.kr"])  # no Korean version: the English one, said so
    assert mails["ko@example.kr"]["Subject"].startswith("Coalition welcomes the inquiry")
    assert "TOKYO," in ko_text and "http://testserver/en/statements/" in ko_text
    assert "영어" in ko_text  # the note that this is the English version, in Korean
    # No tracking: the links are the site's own and the statement's own, as written.
    html = ja.get_body(preferencelist=("html",)).get_content()
    assert "<img" not in html
    assert 'href="https://example.org/' in text_of(mails["en@example.org"]) or True


def test_every_mail_carries_one_click_unsubscribe_and_a_post_does_it_without_login(
    site_settings, smtp, run_worker, make_statement, make_subscriber
):
    make_statement()
    subscriber = make_subscriber("reader@example.org", language="ko")
    run_worker()
    message = parse(smtp.messages[0])
    url = f"http://testserver/ko/follow/unsubscribe/{subscriber.token}/"
    assert message["List-Unsubscribe"].strip() == f"<{url}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in text_of(message)

    browser = Client(enforce_csrf_checks=True)
    page = browser.get(url)  # a scanner following the link: nothing happens
    assert page.status_code == 200 and '<form method="post">' in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE
    # What a mail client sends for RFC 8058: a POST with this body, no cookie, no token.
    done = browser.post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED

    make_statement()
    run_worker()
    assert len(smtp.messages) == 1  # nothing more


def test_a_scheduled_statement_goes_out_at_its_time_and_not_before(
    site_settings, smtp, run_worker, clock, make_statement, make_subscriber
):
    make_subscriber("reader@example.org")
    make_statement(published_at=timezone.now() + datetime.timedelta(hours=2))
    run_worker()
    assert smtp.messages == [] and not Announcement.objects.exists()
    clock.advance(hours=1, minutes=59)
    run_worker()
    assert smtp.messages == []
    clock.advance(minutes=2)
    run_worker()
    assert list(recipients(smtp).values()) == [1]


def test_a_statement_published_without_a_signal_is_found_by_the_sweep(
    site_settings, smtp, run_worker, clock, make_statement, make_subscriber
):
    make_subscriber("reader@example.org")
    draft = make_statement(status=Statement.Status.DRAFT, published_at=None)
    run_worker()
    # As the publishing functions do: an UPDATE, no post_save.
    Statement.objects.filter(pk=draft.pk).update(
        status=Statement.Status.PUBLISHED, published_at=timezone.now()
    )

    def worker_keeps_running():  # the tasks, without the start-up catch-up of a new worker
        call_command("db_worker", queue_name="*", batch=True, interval=0, reload=False,
                     verbosity=0)  # fmt: skip

    worker_keeps_running()
    assert smtp.messages == []  # the next look is due within FOLLOW_SWEEP_SECONDS
    clock.advance(seconds=61)
    worker_keeps_running()
    assert recipients(smtp) == {"reader@example.org": 1}


def test_publish_now_reaches_subscribers_at_once_without_waiting_for_the_sweep(
    site_settings, smtp, clock, make_statement, make_subscriber,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    from django.contrib.auth.models import User
    from django_tasks_db.models import DBTaskResult

    from statements.services import statement_publish

    make_subscriber("reader@example.org")
    draft = make_statement(status=Statement.Status.DRAFT, published_at=None)
    assert not DBTaskResult.objects.filter(status="READY").exists()
    editor = User.objects.create_user("eve", "eve@example.org", "a-long-password-1")
    # "Publish now" writes with bulk_update (no post_save), as the admin's button does.
    with django_capture_on_commit_callbacks(execute=True):
        assert statement_publish(statement=draft, user=editor)
    queued = DBTaskResult.objects.get(status="READY", task_path__endswith="announce_statements")
    assert queued.run_after <= timezone.now()
    call_command("db_worker", queue_name="*", batch=True, interval=0, reload=False,
                 verbosity=0)  # fmt: skip
    assert recipients(smtp) == {"reader@example.org": 1}  # no clock moved: no sweep waited for


def test_only_subscribers_of_the_statements_campaign_or_of_everything_get_it(
    site_settings, smtp, run_worker, make_statement, make_subscriber
):
    from statements.models import Campaign

    coi = Campaign.objects.create(slug="coi", title_en="CoI", goal_en="g", started_on="2011-09-08")
    other = Campaign.objects.create(slug="x", title_en="X", goal_en="g", started_on="2012-01-01")
    make_subscriber("all@example.org")
    make_subscriber("coi@example.org", campaign=coi)
    make_subscriber("other@example.org", campaign=other)
    make_statement(campaign=coi)
    run_worker()
    assert sorted(recipients(smtp)) == ["all@example.org", "coi@example.org"]


def test_an_address_subscribed_to_everything_and_to_the_campaign_gets_one_copy(
    site_settings, smtp, run_worker, make_statement, make_subscriber
):
    """It comes by the subscription to everything: its language, and its unsubscribe link (the
    one that stops what they asked for first). Addresses compare as subscribing stores them,
    lower-cased, whatever the desk typed."""
    from statements.models import Campaign

    coi = Campaign.objects.create(slug="coi", title_en="CoI", goal_en="g", started_on="2011-09-08")
    make_subscriber("both@example.org", campaign=coi)
    make_subscriber("Both@Example.ORG", campaign=coi)
    everything = make_subscriber("both@example.org", language="ko")  # asked last
    make_subscriber("coi@example.org", campaign=coi)
    make_statement(campaign=coi)
    run_worker()
    assert collections.Counter(to.lower() for to in recipients(smtp).elements()) == {
        "both@example.org": 1,
        "coi@example.org": 1,
    }
    assert Delivery.objects.filter(subscriber__email__mailbox="both@example.org").count() == 1
    (mail,) = [parse(raw) for raw in smtp.messages if parse(raw)["To"] == "both@example.org"]
    url = f"http://testserver/ko/follow/unsubscribe/{everything.token}/"
    assert mail["List-Unsubscribe"].strip() == f"<{url}>"
    assert url in text_of(mail)


class Killed(BaseException):
    """What SIGKILL does to a worker, in-process: it stops dead, no except clause runs."""


def test_a_worker_killed_mid_batch_leaves_nothing_sent_twice_or_lost(
    site_settings, smtp, run_worker, clock, settings, make_statement, many_subscribers,
    monkeypatch,
):  # fmt: skip
    settings.BULK_MAIL_BATCH = 50
    settings.BULK_MAIL_BATCH_SECONDS = 600  # the batch ends by the kill, not by the clock
    many_subscribers(120)
    make_statement()
    announce_due()
    assert Delivery.objects.count() == 120

    # The worker sends 30 messages, claims the 31st, and dies before handing it over.
    from django.core.mail.backends.smtp import EmailBackend

    real_send = EmailBackend.send_messages
    calls = {"n": 0}

    def dying_send(self, messages):
        calls["n"] += 1
        if calls["n"] == 31:
            raise Killed
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", dying_send)
    with pytest.raises(Killed):
        bulk.send_batch(Delivery)
    monkeypatch.setattr(EmailBackend, "send_messages", real_send)
    assert len(smtp.messages) == 30
    states = collections.Counter(Delivery.objects.values_list("status", flat=True))
    # The batch had claimed 50: 30 sent, one in the dead worker's hands, 19 not reached yet.
    assert states == {"sent": 30, "sending": 20, "queued": 70}

    # A new worker at once: the messages claimed by the dead one could still be in the hands
    # of a live worker, so they are left alone ...
    run_worker()
    assert len(smtp.messages) == 100
    # ... until it has been "sending" longer than MAIL_STALE_SECONDS: then it is queued again.
    clock.advance(seconds=settings.MAIL_STALE_SECONDS + 1)
    run_worker()
    counts = recipients(smtp)
    assert len(counts) == 120 and set(counts.values()) == {1}
    # Announcing again (a sweep, a restart) writes and sends nothing more.
    announce_due()
    clock.advance(minutes=10)
    run_worker()
    assert len(smtp.messages) == 120 and Delivery.objects.count() == 120


def test_a_sending_task_left_running_by_a_dead_worker_does_not_stop_the_list(
    site_settings, smtp, run_worker, clock, settings, make_statement, many_subscribers
):
    from django_tasks_db.models import DBTaskResult

    many_subscribers(5)
    make_statement()
    announce_due()
    # A worker takes the sending task, claims a batch of two and is killed before sending.
    DBTaskResult.objects.filter(task_path=bulk.send_bulk.module_path).update(
        status="RUNNING", started_at=timezone.now(), worker_ids=["killed"]
    )
    batch = Delivery.objects.order_by("pk")[:2].values_list("pk", flat=True)
    Delivery.objects.filter(pk__in=list(batch)).update(
        status=Delivery.Status.SENDING, claimed_at=timezone.now()
    )
    run_worker()
    # For all a new worker knows, that one is alive and sending the list: a second sending
    # task would send beside it, over the provider's rate.
    assert DBTaskResult.objects.filter(task_path=bulk.send_bulk.module_path).count() == 1
    assert smtp.messages == []
    clock.advance(seconds=settings.MAIL_STALE_SECONDS + 1)
    run_worker()
    counts = recipients(smtp)
    assert len(counts) == 5 and set(counts.values()) == {1}


def test_a_worker_frozen_past_its_claim_sends_nothing_again_that_another_sent(
    site_settings, run_worker, clock, settings, make_statement, many_subscribers
):
    many_subscribers(3)
    make_statement()
    announce_due()

    def another_worker_sends_the_list():
        clock.advance(seconds=settings.MAIL_STALE_SECONDS + 1)
        bulk.requeue_stranded()  # the frozen worker's claim has lapsed
        bulk.send_batch(Delivery)

    with frozen_first_worker(settings, another_worker_sends_the_list) as sink:
        bulk.send_batch(Delivery)  # claims all three, freezes at the first, wakes to a 451
        run_worker()
    counts = recipients(sink)
    assert len(counts) == 3 and set(counts.values()) == {1}


def test_a_worker_frozen_past_its_claim_leaves_the_rows_to_the_one_that_holds_them(
    site_settings, run_worker, clock, settings, make_statement, many_subscribers
):
    many_subscribers(3)
    make_statement()
    announce_due()

    def another_worker_claims_the_list():
        clock.advance(seconds=settings.MAIL_STALE_SECONDS + 1)
        bulk.requeue_stranded()
        bulk._claim(Delivery, 3)  # and is about to send them

    with frozen_first_worker(settings, another_worker_claims_the_list) as sink:
        bulk.send_batch(Delivery)
        # A third worker now: the three are in the hands of a live worker, which sends them.
        run_worker()
        assert sink.messages == []
        # That one dies too: after MAIL_STALE_SECONDS they go out, once each.
        clock.advance(seconds=settings.MAIL_STALE_SECONDS + 1)
        run_worker()
    counts = recipients(sink)
    assert len(counts) == 3 and set(counts.values()) == {1}


@pytest.mark.parametrize("accept", [True, False], ids=["delivered", "refused-for-now"])
def test_a_subscriber_erased_while_their_copy_is_sent_is_not_taken_for_another_worker(
    site_settings, run_worker, settings, make_statement, make_subscriber, caplog, accept
):
    """The secretariat erases a subscriber while the worker is sending them the statement: their
    copy is deleted mid-send. The log says so, not that another worker took it over (which
    would send whoever reads it looking for a second worker), and nothing goes to them again."""
    erased = make_subscriber("erased@example.org")  # the first row the worker claims
    make_subscriber("other@example.org")
    make_statement()
    announce_due()
    administrator = make_staff("ada", ADMINISTRATORS)

    def the_secretariat_erases_the_subscriber():
        personal_data_erase(subject=erased, user=administrator)

    with (
        caplog.at_level(logging.WARNING, logger="icnk.bulk"),
        frozen_first_worker(settings, the_secretariat_erases_the_subscriber, accept=accept) as sink,
    ):
        bulk.send_batch(Delivery)
        run_worker()  # a retry, had one been queued, would be due at once
    expected = {"other@example.org": 1} | ({"erased@example.org": 1} if accept else {})
    assert recipients(sink) == expected
    assert not Subscriber.objects.filter(email="erased@example.org").exists()
    assert list(Delivery.objects.values_list("status", flat=True)) == [Delivery.Status.SENT]
    said = "sent, but deleted (erased)" if accept else "deleted (erased) while it was being sent"
    assert said in caplog.text
    assert "another worker" not in caplog.text and "taken over" not in caplog.text
    assert "erased@example.org" not in caplog.text


@pytest.mark.parametrize("how", ["erased", "unsubscribed"])
def test_a_subscriber_who_goes_while_the_batch_is_sent_is_not_sent_it(
    site_settings, settings, make_statement, make_subscriber, caplog, how
):
    """The worker reads a batch of copies, then sends them one by one: a subscriber erased, or
    who leaves, while it sends the first, is sent nothing (and no error is logged)."""
    make_subscriber("a-first@example.org")  # copies go in the order of subscribers
    leaving = make_subscriber("z-leaving@example.org")
    make_statement()
    announce_due()
    administrator = make_staff("ada", ADMINISTRATORS)

    def they_go():
        if how == "erased":
            personal_data_erase(subject=leaving, user=administrator)
        else:
            Client().post(f"/en/follow/unsubscribe/{leaving.token}/")

    with (
        caplog.at_level(logging.WARNING),
        frozen_first_worker(settings, they_go, accept=True) as sink,
    ):
        bulk.send_batch(Delivery)
    assert recipients(sink) == {"a-first@example.org": 1}
    assert "could not be built" not in caplog.text


def test_a_message_that_cannot_be_built_does_not_stop_the_list(
    site_settings, smtp, run_worker, clock, make_statement, make_subscriber, monkeypatch, caplog
):
    from followers import mail as follower_mail

    for address in ("first@example.org", "broken@example.org", "third@example.org"):
        make_subscriber(address)
    real_message = follower_mail.announcement_message

    def broken_for_one(delivery, memo):  # a bug that only one subscriber's data meets
        if delivery.subscriber.email == "broken@example.org":
            raise ValueError("cannot render this one")
        return real_message(delivery, memo)

    monkeypatch.setattr(follower_mail, "announcement_message", broken_for_one)
    make_statement()
    run_worker()
    assert recipients(smtp) == {"first@example.org": 1, "third@example.org": 1}
    broken = Delivery.objects.get(subscriber__email="broken@example.org")
    assert broken.status == "queued" and "cannot render this one" in broken.last_error
    # The operator's log names the row, not the address.
    assert f"followers.Delivery {broken.pk} could not be built (ValueError)" in caplog.text
    assert "broken@example.org" not in caplog.text

    # Mended (a release, data corrected): the retry after the back-off reaches them, once.
    monkeypatch.setattr(follower_mail, "announcement_message", real_message)
    clock.advance(minutes=2)
    run_worker()
    counts = recipients(smtp)
    assert len(counts) == 3 and set(counts.values()) == {1}


def test_an_address_the_mail_library_will_not_write_does_not_stop_the_list(
    site_settings, smtp, run_worker, make_statement, make_subscriber, caplog
):
    # Django's email validation accepts the long s (U+017F); its SMTP backend refuses it.
    for address in ("first@example.org", "t\u017ft@example.org", "third@example.org"):
        make_subscriber(address)
    make_statement()
    run_worker()
    assert recipients(smtp) == {"first@example.org": 1, "third@example.org": 1}
    odd = Delivery.objects.get(subscriber__email="t\u017ft@example.org")
    assert odd.status == "queued" and "ValueError" in odd.last_error
    assert f"followers.Delivery {odd.pk} could not be sent (ValueError)" in caplog.text
    assert "t\u017ft@" not in caplog.text


def test_refusals_5xx_stop_mail_to_an_address_after_the_limit_and_4xx_are_retried(
    site_settings, smtp, run_worker, clock, settings, make_statement, make_subscriber
):
    settings.MAIL_BOUNCE_LIMIT = 2
    gone = make_subscriber("gone@example.org")
    busy = make_subscriber("busy@example.org")
    make_subscriber("fine@example.org")
    smtp.refuse["gone@example.org"] = "550 5.1.1 No such user"
    smtp.refuse["busy@example.org"] = "451 4.3.0 Mailbox busy, try later"

    make_statement()
    run_worker()
    assert recipients(smtp) == {"fine@example.org": 1}
    gone.refresh_from_db()
    assert gone.bounces == 1 and gone.status == Subscriber.Status.ACTIVE
    busy_delivery = Delivery.objects.get(subscriber=busy)
    assert busy_delivery.status == "queued" and "451" in busy_delivery.last_error

    del smtp.refuse["busy@example.org"]
    clock.advance(minutes=2)  # past the back-off
    run_worker()
    assert recipients(smtp) == {"fine@example.org": 1, "busy@example.org": 1}

    clock.advance(minutes=1)
    make_statement()
    run_worker()
    gone.refresh_from_db()
    assert gone.bounces == 2 and gone.status == Subscriber.Status.BOUNCED
    clock.advance(minutes=1)
    make_statement()
    run_worker()
    # The third statement is not even tried on the stopped address.
    assert not Delivery.objects.filter(
        subscriber=gone, announcement__in=Announcement.objects.order_by("-pk")[:1]
    ).exists()
    assert recipients(smtp)["fine@example.org"] == 3


def test_a_mail_server_that_is_down_delays_the_mail_and_loses_none(
    site_settings, smtp, run_worker, clock, make_statement, many_subscribers
):
    many_subscribers(5)
    smtp.stop()
    make_statement()
    run_worker()
    assert set(Delivery.objects.values_list("status", flat=True)) == {"queued"}
    back = SMTPSink(port=smtp.port)
    back.start()
    clock.advance(minutes=2)
    try:
        run_worker()
    finally:
        back.stop()
    counts = recipients(back)
    assert len(counts) == 5 and set(counts.values()) == {1}


def test_the_per_minute_rate_holds(
    site_settings, smtp, run_worker, clock, settings, make_statement, many_subscribers
):
    settings.BULK_MAIL_PER_MINUTE = 10
    many_subscribers(25)
    make_statement()
    run_worker()
    assert len(smtp.messages) == 10
    clock.advance(seconds=30)
    run_worker()
    assert len(smtp.messages) == 10
    clock.advance(seconds=31)
    run_worker()
    assert len(smtp.messages) == 20
    clock.advance(seconds=61)
    run_worker()
    assert len(smtp.messages) == 25


def test_a_confirmation_link_does_not_wait_behind_a_big_announcement(
    site_settings, smtp, settings, make_statement, many_subscribers
):
    settings.BULK_MAIL_BATCH = 50
    settings.BULK_MAIL_BATCH_SECONDS = 600
    many_subscribers(500)
    make_statement()
    # The announcing task (queue "default") lists the 500 recipients and queues the sending.
    call_command("db_worker", queue_name="default", batch=True, interval=0, reload=False,
                 verbosity=0)  # fmt: skip
    assert Delivery.objects.filter(status="queued").count() == 500
    queue_mail(
        to="applicant@example.org",
        template_prefix="join/email/welcome",
        context={"join_request": {"name": "Someone"}, "member": None, "site": site_settings},
    )
    # The worker's next task is the confirmation, not the next of ten batches.
    call_command("db_worker", queue_name="*", batch=True, interval=0, max_tasks=1,
                 reload=False, verbosity=0)  # fmt: skip
    assert [parse(raw)["To"] for raw in smtp.messages] == ["applicant@example.org"]
    call_command("db_worker", queue_name="*", batch=True, interval=0, max_tasks=1,
                 reload=False, verbosity=0)  # fmt: skip
    assert len(smtp.messages) == 1 + 50  # then one batch, and other mail gets its turn again
