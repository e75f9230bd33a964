"""The secret in a mailed link never reaches a log line: not Django's "Not Found" warnings, not
gunicorn's access log (`make serve`). Slugs stay readable, so a log still says which page."""

import logging
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from io import StringIO
from pathlib import Path

import pytest

from icnk.logs import RedactSecrets

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def console_log():
    """What the site's own console handler (the one settings.LOGGING configures) writes."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactSecrets) for f in h.filters)
    )
    stream = StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)


@pytest.mark.django_db
def test_a_failed_signing_link_is_logged_without_its_token(client, console_log):
    token = secrets.token_urlsafe(32)
    response = client.get(f"/en/sign/{token}/")
    assert response.status_code >= 400
    written = console_log.getvalue()
    assert "/en/sign/[redacted]/" in written
    assert token not in written


@pytest.mark.django_db
def test_a_slug_stays_readable(client, console_log):
    client.get("/en/statements/no-such-statement-from-geneva-2014/")
    assert "Not Found: /en/statements/no-such-statement-from-geneva-2014/" in console_log.getvalue()


@pytest.fixture
def every_handler_output():
    """What every handler a request's log line reaches writes, whatever configured it (Django's
    defaults as well as settings.LOGGING): a stream handler's stream is captured; any other
    handler records what it would send."""
    handlers, logger = [], logging.getLogger("django.request")
    while logger is not None:
        handlers += logger.handlers
        logger = logger.parent if logger.propagate else None
    written, undo = StringIO(), []
    for handler in handlers:
        if type(handler).__module__.startswith("_pytest"):
            continue  # pytest's own capture, not the site's
        if isinstance(handler, logging.StreamHandler):
            undo.append((handler.setStream, handler.setStream(written)))
        else:
            undo.append((handler.__dict__.pop, "emit"))
            handler.emit = lambda record, h=handler: written.write(h.format(record) + "\n")
    try:
        yield written
    finally:
        for restore, value in undo:
            restore(value)


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False])
def test_a_gone_link_is_logged_without_its_token_by_every_handler(
    client, settings, every_handler_output, debug
):
    """With DEBUG on, Django's own console handler prints its request warnings too: it must not
    print the token either."""
    settings.DEBUG = debug
    token = secrets.token_urlsafe(32)
    response = client.post(f"/en/members/area/link/{token}/")
    assert response.status_code == 410
    written = every_handler_output.getvalue()
    assert "Gone: /en/members/area/link/[redacted]/" in written
    assert token not in written


@pytest.mark.django_db(transaction=True)
def test_an_address_the_mail_server_refuses_is_not_written_to_the_log(
    settings, site_settings, run_worker, caplog
):
    """A refusal quotes the recipient, who may be a supporter at risk: the log says what
    failed (the error and the server's code), not to whom. The outbox row keeps the reply for
    the staff who already see its address."""
    from icnk.mail import queue_mail
    from icnk.models import OutboundEmail
    from tests.factories import SMTPSink, send_mail_to

    address = "kim.secret@mail.example.org"
    sink = SMTPSink()
    sink.refuse[address] = f"550 5.1.1 <{address}>: Recipient address rejected"
    sink.start()
    send_mail_to(settings, sink.port)
    try:
        email = queue_mail(
            to=address,
            template_prefix="join/email/welcome",
            context={"join_request": {"name": "Kim"}, "member": None, "site": site_settings},
        )
        with caplog.at_level(logging.INFO):
            run_worker()
    finally:
        sink.stop()
    written = [r.getMessage() for r in caplog.records if r.name != "mail.log"]  # not the sink's
    assert not [line for line in written if "kim.secret" in line]
    assert f"email {email.pk} not sent (recipient refused: 550); retry in" in "\n".join(written)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.QUEUED and email.attempts == 1
    assert address in email.last_error and "550" in email.last_error


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorns_logs_carry_no_token(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "test-logs-" + secrets.token_hex(8),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CACHE_URL": "locmemcache://",
        "ALLOWED_HOSTS": "127.0.0.1",
        "HTTPS": "off",
    }
    log_path = tmp_path / "gunicorn.log"
    log = log_path.open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "icnk.wsgi", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "1", "--access-logfile", "-"]
        + ["--logger-class", "icnk.logs.GunicornLogger"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    token = secrets.token_urlsafe(32)
    signed = "eyJzIjoxfQ:1uKz3c:" + secrets.token_urlsafe(24)  # as django.core.signing makes
    malformed = secrets.token_urlsafe(32)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                url = f"http://127.0.0.1:{port}/members/renew/{token}/?sig={signed}"
                urllib.request.urlopen(url, timeout=5)
            except urllib.error.HTTPError:
                pass  # any answer is logged; the database here is empty
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.3)
                continue
            break
        # A request line gunicorn cannot read (no HTTP version): its error log quotes it.
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
            raw.sendall(f"GET /members/renew/{malformed}/\r\n\r\n".encode())
            raw.recv(1024)
        time.sleep(0.5)  # the access line is written after the response
    finally:
        server.terminate()
        server.wait(timeout=15)
        log.close()
    written = log_path.read_text()
    assert token not in written and signed not in written and malformed not in written
    assert "GET /members/renew/[redacted]/?sig=[redacted]" in written
    assert "Invalid HTTP request line: 'GET /members/renew/[redacted]/'" in written
