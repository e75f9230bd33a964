"""Helpers that build test data and sign people in, shared by every test folder.

Fixtures live in the conftest files; plain functions and constants that tests import live here
(a conftest is not meant to be imported).
"""

import asyncio
import contextlib
import datetime
import io
import socket
import threading

from aiosmtpd.controller import Controller
from django.utils import timezone
from PIL import Image

from members.models import Organization, OrganizationKind, Supporter
from members.models import Visibility as V
from statements.markdown import render_markdown
from statements.models import Statement
from statements.search import refresh_search_vectors


def login_with_two_factor(client, user):
    """Sign a staff member in as if they had also passed two-factor (a real, confirmed device)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def make_staff(username, group_name, *, password="a-long-test-password-1"):
    """A staff account in one of the two secretariat roles."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(username, f"{username}@example.org", password)
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=group_name))
    return user


def make_supporter(full_name, visibility, **extra):
    return Supporter.objects.create(full_name=full_name, visibility=visibility, **extra)


def bulk_organizations(count, *, countries=("KR", "JP", "US", "GB", ""), start=0):
    """`count` listed organizations in one INSERT; bulk_create skips save(), so set the region."""
    from members.regions import region_for

    organizations = [
        Organization(
            name=f"Organization {i:04d}",
            slug=f"organization-{i:04d}",
            acronym=f"O{i}",
            country=countries[i % len(countries)],
            region=region_for(countries[i % len(countries)]),
            kind=list(OrganizationKind)[i % len(OrganizationKind)],
            logo="logos/example.png" if i % 3 == 0 else "",
        )
        for i in range(start, start + count)
    ]
    Organization.objects.bulk_create(organizations)
    Supporter.objects.bulk_create(
        Supporter(
            full_name=f"Person {i:04d}",
            name_initials=f"P. {i:04d}.",
            visibility=list(V)[i % len(V)],
            country=countries[i % len(countries)],
            region=region_for(countries[i % len(countries)]),
        )
        for i in range(start, start + count // 5 + 1)
    )


def bulk_statements(count, *, language="en", campaign=None):
    """Many published statements at once (bulk_create skips save(), so body_html is set here
    and the search vectors are filled after, as a bulk load must)."""
    now = timezone.now()
    html = render_markdown("A body.")
    Statement.objects.bulk_create(
        Statement(
            title=f"Bulk statement {i}",
            slug=f"bulk-{language}-{i}",
            language=language,
            body="A body.",
            body_html=html,
            summary="A summary.",
            status=Statement.Status.PUBLISHED,
            published_at=now - datetime.timedelta(hours=i + 1),
            campaign=campaign,
        )
        for i in range(count)
    )
    refresh_search_vectors(Statement.objects.filter(slug__startswith=f"bulk-{language}-"))


def png_bytes(size=(120, 80), mode="RGB", color=(200, 30, 30)):
    out = io.BytesIO()
    Image.new(mode, size, color if mode == "RGB" else 0).save(out, "PNG")
    return out.getvalue()


# A complete, valid request on each path, as a browser posts it.
ORGANIZATION = {
    "kind": "organization",
    "name": "Citizens' Alliance for North Korean Human Rights",
    "local_name": "북한인권시민연합",
    "country": "KR",
    "organization_kind": "national_ngo",
    "website": "https://www.nkhr.example.org",
    "description": "Documents abuses and supports survivors.",
    "contact_name": "Kim Min-ji",
    "contact_role": "Programme director",
    "email": "minji@nkhr.example.org",
    "phone": "+82 2 0000 0000",
    "support_statement": "We will co-sign statements and share documentation.",
    "accept_objectives": "on",
}
INDIVIDUAL = {
    "kind": "individual",
    "name": "Aiko Tanaka",
    "display_name": "",
    "affiliation": "Lawyer, Tokyo Bar Association",
    "country": "JP",
    "email": "aiko@example.jp",
    "accept_objectives": "on",
}


class SMTPSink:
    """A mail server on 127.0.0.1 (aiosmtpd) that keeps every message it accepts, as text.

    `refuse`: recipient address -> the reply to give instead of accepting it, such as
    "550 5.1.1 No such user" (permanent) or "451 4.3.0 Try again later" (temporary).
    """

    def __init__(self, port=0):
        if not port:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
        self.port = port
        self.messages = []
        self.refuse = {}
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it for each message
        self.messages.append(envelope.original_content.decode(errors="replace"))
        return "250 Message accepted for delivery"

    def start(self):
        self.controller.start()

    def stop(self):
        self.controller.stop()


class StallingSink(SMTPSink):
    """A mail server whose first conversation stalls at RCPT while `meanwhile` runs (in another
    thread, with its own database connections), then is
    refused for now (451), as a worker frozen past its claim finds when it wakes; or, with
    `accept`, goes on and is delivered (what others did while a message was on its way)."""

    def __init__(self, meanwhile, *, accept=False):
        super().__init__()
        self.meanwhile = meanwhile
        self.accept = accept
        self.stalled = False

    def _meanwhile(self):
        """`meanwhile`, in a thread of its own: the database connections it opened are closed
        after it, as that thread's are no one else's to close."""
        from django import db

        try:
            self.meanwhile()
        finally:
            db.connections.close_all()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if not self.stalled:
            self.stalled = True
            await asyncio.get_running_loop().run_in_executor(None, self._meanwhile)
            if not self.accept:
                return "451 4.3.0 Try again later"
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)


def send_mail_to(settings, port, *, timeout=5):
    """The site sends its mail to the SMTP server on 127.0.0.1:`port` (none need be there)."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": timeout},
        }
    }


@contextlib.contextmanager
def frozen_first_worker(settings, meanwhile, *, accept=False):
    """A mail server that holds the first worker's first conversation while `meanwhile` runs
    (what others do while that worker is frozen), then refuses it for now (451), or with
    `accept` takes the message; a retry is due at once. Yields the server."""
    sink = StallingSink(meanwhile, accept=accept)
    sink.start()
    send_mail_to(settings, sink.port, timeout=10)
    settings.MAIL_RETRY_BACKOFF_SECONDS = 0
    try:
        yield sink
    finally:
        sink.stop()


def coalition(organizations, statements):
    """A coalition of some size: members, statements in two languages, a campaign, join requests.

    Every page has something to show: `signed` carries every member's signature, `campaign`
    gathers the English statements, and some join requests wait for a decision.
    """
    from members.models import JoinRequest
    from statements.models import Campaign, Milestone, Signature, Topic

    campaign = Campaign.objects.create(
        slug="campaign",
        title_en="A campaign",
        goal_en="A goal.",
        started_on=datetime.date(2020, 1, 1),
    )
    Milestone.objects.bulk_create(
        Milestone(campaign=campaign, date=datetime.date(2020, 1, 1), title_en=f"Step {i}")
        for i in range(3)
    )
    Topic.objects.create(slug="topic", name_en="A topic")
    bulk_organizations(organizations)
    bulk_statements(statements, campaign=campaign)
    bulk_statements(statements, language="ko")
    signed = Statement.objects.create(
        title="Signed by everyone",
        slug="signed",
        language="en",
        body="A body.",
        status=Statement.Status.PUBLISHED,
        published_at=timezone.now() - datetime.timedelta(minutes=1),
        campaign=campaign,
    )
    Signature.objects.bulk_create(
        [Signature(statement=signed, organization=o, name_at_signing=o.name,
                   local_name_at_signing=o.local_name)
         for o in Organization.objects.all()]
        + [Signature(statement=signed, supporter=s) for s in Supporter.objects.all()]
    )  # fmt: skip
    JoinRequest.objects.bulk_create(
        JoinRequest(
            kind=JoinRequest.Kind.INDIVIDUAL,
            status=JoinRequest.Status.PENDING,
            name=f"Applicant {i}",
            email=f"applicant{i}@example.org",
            country="JP",
            accepted_objectives=True,
        )
        for i in range(organizations // 5 + 1)
    )


def run_mail_queue():
    """Run what waits in the mail queue (a sign-in mailing, then its mail), each task through
    django-tasks-db's own worker, until the queue is empty. Not its polling loop, which closes
    the database connection a test runs in; the periodic jobs stay out of it."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["mail"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    while (result := DBTaskResult.objects.ready().filter(queue_name="mail").first()) is not None:
        result.claim(worker.worker_id)
        worker.run_task(result)


def wait_for(condition, *, timeout=30, every=0.1, what="the condition"):
    """Poll `condition()` until it is true; fail after `timeout` seconds, not guess a sleep."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        time.sleep(every)


def authenticator(user):
    """A confirmed authenticator app for a staff member (every staff account must have one)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)


def totp_code(device):
    """The code the authenticator app shows now."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def another_session(**options):
    """A second PostgreSQL session on the test database, as another process (a migration, a
    long lock) would open it beside the site's own connection."""
    import psycopg
    from django.db import connection

    database = connection.settings_dict
    return psycopg.connect(
        dbname=database["NAME"],
        user=database["USER"],
        password=database["PASSWORD"],
        host=database["HOST"],
        port=database["PORT"],
        **options,
    )


def empty_cache():
    """Nothing cached anywhere: the shared cache emptied, and this process's own copies of its
    answers forgotten at once (icnk/local_answers.py), not when Redis's word of the emptying
    reaches the tracking connection, which can come a moment after FLUSHDB's own answer."""
    from django.core.cache import cache

    from icnk.local_answers import answers

    cache.clear()
    answers.forget()


@contextlib.contextmanager
def uncommitted_meanwhile(work, *, commit_after=1.0):
    """Two requests at the same moment, made certain: `work()` runs in another thread inside a
    transaction left open; the body of the `with` runs once it has, and that transaction
    commits `commit_after` seconds later, while the body waits on its locks or rows.

    PostgreSQL's row and advisory locks only: SQLite lets one writer in at a time, so the
    caller skips there."""
    from django.db import connections, transaction

    ran, commit, failures = threading.Event(), threading.Event(), []

    def other():
        try:
            with transaction.atomic():
                work()
                ran.set()
                commit.wait(timeout=30)
        except Exception as error:  # noqa: BLE001 - raised in the caller's thread below
            failures.append(error)
        finally:
            ran.set()
            connections.close_all()

    thread = threading.Thread(target=other)
    thread.start()
    assert ran.wait(timeout=30)
    if failures:
        thread.join(timeout=30)
        raise failures[0]
    timer = threading.Timer(commit_after, commit.set)
    timer.start()
    try:
        yield
    finally:
        commit.set()
        timer.cancel()
        thread.join(timeout=30)
