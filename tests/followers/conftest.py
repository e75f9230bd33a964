import contextlib
import datetime
import email
import email.policy
import itertools
import time
import types

import pytest
from django.core import signing
from django.utils import timezone

from followers.models import Subscriber
from statements.models import Statement
from tests.factories import SMTPSink, send_mail_to

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def clock(monkeypatch):
    """The time the code reads (timezone.now), moved forward by the test instead of sleeping."""
    real_now = timezone.now

    class Clock:
        offset = datetime.timedelta(0)

        def advance(self, **delta):
            self.offset += datetime.timedelta(**delta)

        def now(self):
            return real_now() + self.offset

    moved = Clock()
    monkeypatch.setattr(timezone, "now", moved.now)
    # Signed links read the time as epoch seconds.
    real_time = time.time
    monkeypatch.setattr(
        signing,
        "time",
        types.SimpleNamespace(time=lambda: real_time() + moved.offset.total_seconds()),
    )
    return moved


@pytest.fixture
def smtp(settings):
    """A real mail server on 127.0.0.1 that the site sends to; `smtp.stop()` takes it down."""
    sink = SMTPSink()
    sink.start()
    send_mail_to(settings, sink.port)
    settings.MAIL_RETRY_BACKOFF_SECONDS = 60
    yield sink
    with contextlib.suppress(Exception):  # already stopped by the test
        sink.stop()


def parse(raw):
    return email.message_from_string(raw, policy=email.policy.default)


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def make_statement(db):
    def make(**fields):
        n = next(_numbers)
        values = {
            "title": f"Statement number {n}",
            "slug": f"statement-{n}",
            "language": "en",
            "body": f"Body of statement {n}.\n\nSecond paragraph with a [link](https://example.org/{n}).",
            "summary": f"Summary {n}",
            "dateline": "Tokyo",
            "status": Statement.Status.PUBLISHED,
            "published_at": timezone.now() - datetime.timedelta(minutes=1),
        }
        values.update(fields)
        return Statement.objects.create(**values)

    return make


@pytest.fixture
def make_subscriber(db):
    def make(email, language="en", campaign=None, **fields):
        return Subscriber.objects.create(
            email=email,
            language=language,
            campaign=campaign,
            status=Subscriber.Status.ACTIVE,
            confirmed_at=timezone.now() - datetime.timedelta(days=1),
            **fields,
        )

    return make


@pytest.fixture
def many_subscribers(db):
    def make(count, language="en"):
        confirmed = timezone.now() - datetime.timedelta(days=1)
        Subscriber.objects.bulk_create(
            Subscriber(
                email=f"reader{i:05d}@example.org",
                language=language,
                status=Subscriber.Status.ACTIVE,
                confirmed_at=confirmed,
                token=f"token-{i:05d}",
            )
            for i in range(count)
        )

    return make
