"""A worker's own copies of cached answers, kept true by Redis telling it of every change.

A page-cache hit read the current generation and the answer from Redis (icnk/cache.py): one
round trip, which was most of what a hit cost (about 0.2 ms of CPU a request, where a bare
Django view costs 0.1). Here each worker keeps the answers it served and the generation they
belong to, and serves them again without asking Redis, for as long as Redis has not said that
the generation changed:

- the worker opens a connection of its own and asks Redis to track the generation's key
  (`CLIENT TRACKING ON BCAST PREFIX`, RESP3). From then on Redis writes on that connection the
  moment any process changes or deletes the key, or empties the database, before it answers
  the writer;
- before serving a copy, the worker looks whether that connection has anything to read (a
  `poll()` that waits for nothing). Anything at all (a change, an error, the connection
  closing) and it forgets every copy and closes the connection; the request then goes to Redis
  as before, and tracking starts again *before* that read, so no change can fall in between;
- a generation not confirmed by Redis for MAX_AGE seconds is read again even when nothing was
  said: a connection lost without a word (a network cut between servers) cannot keep a copy
  longer than that. A take-down therefore reaches every worker at once, as it did, and in the
  worst case within MAX_AGE.

Only with django-redis as the cache (a local-memory cache is the process's own already) and
unless LOCAL_PAGE_COPIES is off. Bounded in number and bytes; a new generation frees them all.
"""

import contextlib
import logging
import os
import select
import threading
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.core.signals import setting_changed
from django.dispatch import receiver

logger = logging.getLogger(__name__)

MAX_AGE = 1.0  # seconds a generation is trusted without hearing from Redis
MAX_ENTRIES = 500
# After Redis could not be reached, no new tracking connection for this long: every page reads
# the generation several times, and each attempt could wait out the connect timeout (0.5 s).
RETRY_SECONDS = 5.0
MAX_BYTES = 16 * 1024 * 1024  # per worker: the memory bar is 150 MB after 10,000 requests


class LocalAnswers:
    def __init__(self):
        self._lock = threading.Lock()
        self._pid = None
        self._connection = None
        self._poll = None
        self._state = None  # the generation as last read from Redis, while tracked
        self._confirmed_at = 0.0
        self._entries = {}
        self._bytes = 0
        self._failed_at = float("-inf")

    # -- the tracking connection --------------------------------------------------------------

    def enabled(self):
        backend = type(caches["default"]).__module__
        return getattr(settings, "LOCAL_PAGE_COPIES", True) and backend.startswith("django_redis")

    def _quiet(self):
        """Whether Redis has said nothing since tracking began (the connection is still open
        and has nothing to read). Anything else ends tracking and every copy."""
        if self._connection is None or self._pid != os.getpid():
            return False
        try:
            quiet = not self._poll.poll(0)
        except (OSError, ValueError):
            quiet = False
        if not quiet:
            self._stop()
        return quiet

    def _stop(self):
        connection, self._connection, self._poll = self._connection, None, None
        self._state = None
        self._entries.clear()
        self._bytes = 0
        if connection is not None and self._pid == os.getpid():
            with contextlib.suppress(Exception):  # a broken socket: nothing more to do
                connection.disconnect()

    def _start(self, generation_key):
        """Open the tracking connection, before the read it protects."""
        pool = cache.client.get_client(write=False).connection_pool
        # The pool's own kind of connection (TLS or a Unix socket where the URL says so).
        connection = pool.connection_class(**{**pool.connection_kwargs, "protocol": 3})
        connection.connect()
        connection.send_command(
            "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", cache.make_key(generation_key)
        )
        if connection.read_response() not in (b"OK", "OK"):
            connection.disconnect()
            return
        poll = select.poll()
        poll.register(connection._sock, select.POLLIN | select.POLLERR | select.POLLHUP)
        self._connection, self._poll, self._pid = connection, poll, os.getpid()

    # -- what the middleware asks ---------------------------------------------------------------

    def state(self, now):
        """The generation as Redis last gave it, while that is certainly still current."""
        with self._lock:
            state = self._state
            if state is None or now - self._confirmed_at > MAX_AGE or not self._quiet():
                return None
            return state

    def answer(self, key, now):
        """(generation, copy of `key`) if the generation is certainly current, else None."""
        with self._lock:
            state = self._state
            if state is None or now - self._confirmed_at > MAX_AGE or not self._quiet():
                return None
            entry = self._entries.get(key)
            return None if entry is None else (state, entry)

    def before_read(self, generation_key):
        """Make sure tracking is on before the generation is read from Redis."""
        if not self.enabled():
            return False
        with self._lock:
            if self._quiet():
                return True
            now = time.monotonic()
            if now - self._failed_at < RETRY_SECONDS:
                return False
            try:
                self._start(generation_key)
            except Exception:  # noqa: BLE001 (Redis unreachable: no copies, ask it each time)
                logger.warning("page cache: could not track the generation", exc_info=True)
                self._stop()
                self._failed_at = now
                return False
            return self._connection is not None

    def read(self, state, now):
        """Redis has just given this generation (tracking was on before the read)."""
        with self._lock:
            if not self._quiet() or state is None:
                return
            if self._state is None or self._state["generation"] != state["generation"]:
                self._entries.clear()
                self._bytes = 0
            self._state, self._confirmed_at = state, now

    def keep(self, key, entry):
        """Keep an answer of the generation this worker knows to be current."""
        with self._lock:
            state = self._state
            if state is None or entry["generation"] != state["generation"]:
                return
            size = len(entry["content"])
            if len(self._entries) >= MAX_ENTRIES or self._bytes + size > MAX_BYTES:
                self._entries.clear()
                self._bytes = 0
            previous = self._entries.get(key)
            if previous is not None:
                self._bytes -= len(previous["content"])
            self._entries[key] = entry
            self._bytes += size

    def forget(self):
        with self._lock:
            self._stop()


answers = LocalAnswers()


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting in {"CACHES", "LOCAL_PAGE_COPIES", "PAGE_CACHE_SECONDS"}:
        answers.forget()
