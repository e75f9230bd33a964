"""Readers and applicants for `make loadtest`, run by locust (headless) against 127.0.0.1 only.

`manage.py loadtest` starts it as
`locust -f benchmarks/locustfile.py --headless -u <readers + 1> -r <same> -t <seconds>s
--host http://127.0.0.1:<port>` with three files named in the environment:

- `LOADTEST_URLS`: a JSON list of the public paths readers pick from at random;
- `LOADTEST_LOG`: every request is appended as one JSON line (wall-clock start, kind, path,
  status, seconds, cause), for the reconciliation: 0 is the status of a refused or reset request;
- `LOADTEST_JOINS`: the address of every join request answered with success (a redirect).

Readers request without pause; the one applicant submits a join request every half second.
"""

import json
import os
import random
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import gevent
from locust import HttpUser, constant, events, task

PATHS = json.loads(Path(os.environ["LOADTEST_URLS"]).read_text())
# Open for the whole run, one line written at a time.
_log = open(os.environ["LOADTEST_LOG"], "a", buffering=1)  # noqa: SIM115
_joins = open(os.environ["LOADTEST_JOINS"], "a", buffering=1)  # noqa: SIM115


@events.init.add_listener
def only_this_machine(environment, **kwargs):
    if urlsplit(environment.host or "").hostname != "127.0.0.1":
        raise SystemExit("the load test only sends traffic to 127.0.0.1")
    # gevent's clock still reads the time its loop was made, before the slow imports: refresh it,
    # or `-t` ends the run early by as long as locust took to start.
    gevent.get_hub().loop.update_now()


@events.request.add_listener
def record(name, response_time, response, exception, start_time, context, **kwargs):
    status = getattr(response, "status_code", 0) or 0
    cause = ""
    if status >= 400:
        cause = response.text[:200]
    elif exception is not None and not status:
        cause = type(exception).__name__
    row = [start_time, context.get("kind", ""), name, status, response_time / 1000, cause]
    _log.write(json.dumps(row) + "\n")


class Reader(HttpUser):
    """Every public page in three languages, the feeds and the APIs, without pause."""

    wait_time = constant(0)

    @task
    def read(self):
        self.client.get(random.choice(PATHS), context={"kind": "read"}, timeout=15)


class Applicant(HttpUser):
    """One new applicant every half second: the form, then the post, as a browser does."""

    fixed_count = 1
    wait_time = constant(0.5)

    @task
    def join(self):
        self.client.cookies.clear()
        email = f"applicant-{uuid.uuid4().hex[:12]}@loadtest.example.org"
        self.client.get("/en/join/?as=individual", context={"kind": "join"}, timeout=15)
        token = self.client.cookies.get("csrftoken")
        if not token:
            return
        data = {
            "csrfmiddlewaretoken": token,
            "kind": "individual",
            "name": f"Load Applicant {email[10:22]}",
            "email": email,
            "accept_objectives": "on",
        }
        response = self.client.post(
            "/en/join/",
            data=data,
            headers={"Referer": f"{self.host}/en/join/"},
            allow_redirects=False,
            context={"kind": "join"},
            timeout=15,
        )
        if response.status_code == 302:
            _joins.write(email + "\n")
