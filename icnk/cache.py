"""Whole-page cache for anonymous readers, invalidated by a generation number.

On the day a statement makes the news, thousands of readers ask for the same few pages. Each
public page is kept whole (per language and query string) in the shared cache (Redis in
production) and served without touching the database. The cache must be shared by every process
and server (`check --deploy` refuses a per-process one while the page cache is on): a take-down
must reach every reader at once.

The query string in the key is what the view reads: each cached view names its parameters when
registered (`cache_view(name, params=[...])`); any other parameter is dropped from the request
before the view sees it, and the rest are sorted, one value each, empty ones dropped. So
`?utm=1`, `?utm=2`, ... are one page, and cannot fill the cache. HEAD is answered from GET's entry.

What is never cached: requests from anyone with a session (staff, an applicant in the middle
of joining) or a pending message; responses that set a cookie, carry a CSRF token or a CSP nonce,
or say `private`/`no-store`; anything but a 200 answer to GET on the public pages that the
apps name with `cache_view()` in their AppConfig.ready() (never the join form).

Invalidation is by version key: every cached page lives under the current *generation*, a number
that any save or delete of what public pages show replaces (signals on the models the apps name
with `invalidate_on_change()`, and `invalidate()` for bulk writes that send none). A publish, an
approval or a take-down therefore shows at once, on every page that showed the person. A
statement scheduled for later appears by itself: no page is kept past the next scheduled
publication time (the apps say how to find it with `expire_at()`), recomputed at every write.

Every public page also answers conditional GETs: an ETag (a hash of the body) and Last-Modified
(when the page was rendered), so feed readers and API clients get 304 Not Modified. What browsers
and CDNs are told is separate from what this cache stores: every answer without its own
Cache-Control gets `no-cache` (revalidate each time, which the ETag makes cheap), added after
the page was stored, so that no copy outside our cache outlives a take-down.

A hit is answered by CachedAnswerMiddleware, first in MIDDLEWARE, with the answer exactly as
the first reader received it (every header the other middleware added, the body as gzip left
it): one round trip to the cache reads that copy and the current generation together (or none:
with Redis, each worker keeps its own copies while Redis says nothing of a new generation, see
icnk/local_answers.py), and no session, language or security middleware runs for it (see its
docstring for what it checks).

A new generation that cannot be written (the cache is down during a write) is logged at ERROR
and shown to the staff member who made the change (PageCacheAlertMiddleware): pages cached
before may still be served until they expire.
"""

import contextvars
import functools
import hashlib
import logging
import time

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse, QueryDict
from django.middleware.gzip import re_accepts_gzip
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext

from icnk.local_answers import answers as local_answers

logger = logging.getLogger(__name__)

GENERATION_KEY = "pages:generation"
# Until the next write tells when the next scheduled statement is due (after the cache was
# emptied), pages are kept this long at most.
UNKNOWN_DUE_SECONDS = 10
UNKNOWN = "unknown"

# ---------------------------------------------------------------------------------------------
# What the apps register (in their AppConfig.ready()): this module imports no app
# ---------------------------------------------------------------------------------------------

CACHED_VIEWS = {}  # URL name (`namespace:name`) -> the query parameters the view reads
_due_sources = []


def cache_view(view_name, params=()):
    """Keep the public page with this URL name (`namespace:name`) whole for anonymous readers.

    `params`: the query parameters the view reads. Others never reach it (nor the cache key).
    """
    CACHED_VIEWS[view_name] = frozenset(params)
    _view_params.cache_clear()


def invalidate_on_change(*models):
    """Start a new generation whenever a row of these models (shown on public pages) is saved
    or deleted, or one of their many-to-many relations changes."""
    for model in models:
        label = model._meta.label
        post_save.connect(_invalidate_on_change, sender=model, dispatch_uid=f"pages-save-{label}")
        post_delete.connect(
            _invalidate_on_change, sender=model, dispatch_uid=f"pages-delete-{label}"
        )
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                _invalidate_on_m2m, sender=through, dispatch_uid=f"pages-m2m-{through._meta.label}"
            )


def expire_at(next_due):
    """Keep no page past the time `next_due()` returns (an aware datetime, or None): when
    something scheduled for later becomes public by itself."""
    _due_sources.append(next_due)


def page_cache_seconds():
    return getattr(settings, "PAGE_CACHE_SECONDS", 600)


# ---------------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------------


def _next_due():
    """When the next thing scheduled for later becomes public (epoch seconds), or None."""
    due = [moment.timestamp() for source in _due_sources if (moment := source()) is not None]
    return min(due, default=None)


# Failed invalidations during this request, for PageCacheAlertMiddleware to show.
_failures = contextvars.ContextVar("page_cache_failures", default=None)


def _new_generation():
    state = {"generation": time.time_ns(), "due": _next_due()}
    try:
        cache.set(GENERATION_KEY, state, None)
        stored = cache.get(GENERATION_KEY)
        # (A newer generation from a concurrent write is as good as ours.)
        written = stored is not None and stored["generation"] >= state["generation"]
    except Exception:  # a cache configured to raise (django-redis swallows by default)
        logger.exception("page cache: writing the new generation raised")
        written = False
    # This worker's own copies go now, not when Redis's word of the change arrives on the
    # tracking connection, which can come a moment after the write's answer: the next request
    # this worker serves (the editor's own look at the page) must not be one of the old ones.
    local_answers.forget()
    if not written:
        # Pages cached before this write may still show what it removed (a taken-down name)
        # until they expire: whoever made the change must know.
        logger.error(
            "page cache: invalidation failed (the cache did not take the new generation); "
            "pages cached before may be served for up to %d seconds",
            page_cache_seconds(),
        )
        failures = _failures.get()
        if failures is not None:
            failures.append(state)
    return state


def invalidate():
    """Start a new generation: every cached page is stale from now on.

    Also the moment to learn when the next scheduled statement is due (one query; writes are
    rare next to reads). Inside a transaction it happens again at commit: a reader between
    the two may have cached what was still the committed state.
    """
    state = _new_generation()
    connection = transaction.get_connection()
    pending = (entry[1] for entry in connection.run_on_commit)
    if connection.in_atomic_block and _new_generation not in pending:
        transaction.on_commit(_new_generation)
    return state


def current_state():
    """The current generation, started afresh (without a query) if the cache lost it."""
    state = cache.get(GENERATION_KEY)
    if state is None:
        state = {"generation": time.time_ns(), "due": UNKNOWN}
        cache.add(GENERATION_KEY, state, None)
        state = cache.get(GENERATION_KEY) or state
    elif state["due"] not in (None, UNKNOWN) and state["due"] <= time.time():
        # A scheduled statement has just become public: every page that lists statements
        # changes, so start a new generation (and look up the one due after it).
        state = _new_generation()
    return state


def known_state():
    """The current generation, as current_state() gives it, without asking the cache while
    this worker tracks it (icnk/local_answers.py): at most one round trip a second."""
    now = time.time()
    state = local_answers.state(now)
    if state is not None and (state["due"] in (None, UNKNOWN) or state["due"] > now):
        return state
    tracked = local_answers.before_read(GENERATION_KEY)
    state = current_state()
    if tracked:
        local_answers.read(state, now)
    return state


_kept = {}


def per_generation(name, load, state=None, seconds=None):
    """`load()`, kept in this process while the generation stands: for what every page reads
    and whose every change starts a new generation (the site settings, the featured campaign,
    the statement list's campaigns). The value is shared by every request of the process: only
    for what no one modifies. `state`: the generation the caller read (before anything it
    loads), else read here. `seconds`: kept no longer than this even within the generation
    (for what also changes with the date). A generation whose next scheduled publication is
    unknown (the cache was emptied) may not end when it comes: then a value is kept as long as
    its pages, at most.
    """
    if state is None:
        state = known_state()
    now = time.time()
    kept = _kept.get(name)
    if kept is not None and kept[0] == state["generation"] and kept[2] > now:
        return kept[1]
    value = load()
    until = now + UNKNOWN_DUE_SECONDS if state["due"] == UNKNOWN else float("inf")
    if seconds is not None:
        until = min(until, now + seconds)
    _kept[name] = (state["generation"], value, until)
    return value


def _invalidate_on_change(sender, **kwargs):
    invalidate()


def _invalidate_on_m2m(sender, action, **kwargs):
    if action.startswith("post_"):
        invalidate()


# ---------------------------------------------------------------------------------------------
# Middleware
# ---------------------------------------------------------------------------------------------


def _language(request):
    # Pages under /en/, /ko/, /ja/ take it from the path; the API and feeds outside the prefix
    # answer in the language LocaleMiddleware would pick, so it is part of the key too.
    return translation.get_language_from_request(request, check_path=True)


def _key(state, request):
    path = hashlib.md5(request.get_full_path().encode(), usedforsecurity=False).hexdigest()
    return f"page:{state['generation']}:{_language(request)}:{path}"


def _cached_view_params(request, language=None):
    """The parameters the cached view at this path reads, or None when it is not cached."""
    language = language or _language(request)
    return _view_params(get_urlconf() or settings.ROOT_URLCONF, language, request.path_info)


@functools.lru_cache(maxsize=4096)
def _view_params(urlconf, language, path_info):
    # Which view a path reaches depends on the URL configuration and the language only (no
    # converter here reads the database), so the answer is kept: a cached page is found without
    # resolving its URL again. Bounded: a scanner's made-up paths only push out older ones.
    with translation.override(language):  # i18n_patterns match the active language
        try:
            match = resolve(path_info, urlconf)
        except Resolver404:
            return None
    return CACHED_VIEWS.get(match.view_name)


def _normalized_query(query_string, params):
    """Only `params`, sorted, the value the view would read (the last), none empty."""
    if not query_string:
        return ""
    given = QueryDict(query_string)
    kept = QueryDict(mutable=True)
    for name in sorted(params):
        if value := given.get(name, ""):
            kept[name] = value
    return kept.urlencode()


def _normalize_query(request, params):
    query = _normalized_query(request.META.get("QUERY_STRING", ""), params)
    request.GET = QueryDict(query)
    request.META["QUERY_STRING"] = query


def _etag(content):
    return f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"'


def _view_name(request):
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else ""


def _has_personal_state(request):
    """Anyone who may see something of their own: signed in, mid-join, or a message pending."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES


def _nonce_used(request):
    nonce = getattr(request, "_csp_nonce", None)
    wrapped = getattr(nonce, "_wrapped", None)
    return nonce is not None and wrapped is not None and isinstance(wrapped, str)


def storable(request, response):
    """Whether a response may be served to other readers."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if response.has_header("Set-Cookie"):
        return False
    cache_control = response.get("Cache-Control", "")
    if "private" in cache_control or "no-store" in cache_control or "no-cache" in cache_control:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    # A CSRF token in the page (get_token was called) or a CSP nonce is per reader.
    if "CSRF_COOKIE_NEEDS_UPDATE" in request.META or _nonce_used(request):
        return False
    if "nonce-" in response.get("Content-Security-Policy", ""):
        return False
    return b"csrfmiddlewaretoken" not in response.content


# ---------------------------------------------------------------------------------------------
# The answer as sent, for the next reader with the same request (first in MIDDLEWARE)
# ---------------------------------------------------------------------------------------------

HIT_KEY_PREFIX = "sent"


def _sent_key(request, language, query):
    """The key of the answer as sent: the page (path and the query its view reads), its
    language, and what the middleware outside the page cache make of it per request: HSTS
    over HTTPS only, a gzip body only to readers that accept one."""
    full_path = f"{request.path}?{query}" if query else request.path
    digest = hashlib.md5(full_path.encode(), usedforsecurity=False).hexdigest()
    scheme = "https" if request.is_secure() else "http"
    accepts_gzip = re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    encoding = "gzip" if accepts_gzip else ""
    return f"{HIT_KEY_PREFIX}:{language}:{scheme}:{encoding}:{digest}"


_CONDITIONAL_HEADERS = frozenset(
    {"HTTP_IF_MATCH", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE"}
)
# Headers that describe the body: a 304 has none (RFC 9110 15.4.5), every other one it keeps.
_BODY_HEADERS = frozenset({"content-length", "content-type", "content-encoding"})


def _current(state, entry, now):
    """Whether `entry` may be served now under the generation `state`."""
    return (
        entry is not None
        and state is not None
        and entry["generation"] == state["generation"]
        and entry["deadline"] > now
        and (state["due"] in (None, UNKNOWN) or state["due"] > now)
    )


class CachedAnswerMiddleware:
    """Answer a page-cache hit before any other middleware runs: first in MIDDLEWARE.

    What it serves is the answer exactly as a reader received it: every header the middleware
    below added (the security headers, CSP, X-Frame-Options, Vary, Content-Language, ETag,
    Last-Modified, Cache-Control) and the body as GZipMiddleware left it, stored when
    PublicPageCacheMiddleware (further in) said the page may go to other readers. So a hit runs
    no session, language, CSRF, authentication or security middleware, yet carries their
    headers; what those middleware decide per request is checked here first, or is part of
    the key:

    - a request with a session or a pending message (staff, a member in the members' area, an
      applicant mid-join) is never answered from here, and what it is shown is never stored;
    - a Host outside ALLOWED_HOSTS, and plain HTTP where HTTPS is required, go down the stack
      (a 400 and a redirect, as before);
    - the key holds the language, the scheme (HSTS is sent over HTTPS only) and whether the
      reader accepts gzip. A stored gzip body keeps the random padding of its first compression:
      BREACH needs a secret in the page, and no page with a CSRF token or a nonce is stored.

    One round trip to the cache reads the page and the current generation together (none for a
    copy this worker keeps, icnk/local_answers.py); the page is served only if it was stored
    under that generation and is within its deadline, so a take-down (a new generation) reaches
    this copy at the same moment as every other.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = self._key(request)
        if key is not None:
            now = time.time()
            # This worker's own copy while Redis has said nothing of a new generation
            # (icnk/local_answers.py), else the copy and the generation from Redis.
            found = local_answers.answer(key, now)
            if found is None:
                tracked = local_answers.before_read(GENERATION_KEY)
                read = cache.get_many([GENERATION_KEY, key])
                found = read.get(GENERATION_KEY), read.get(key)
                if tracked:
                    local_answers.read(found[0], now)
                    if _current(*found, now):
                        local_answers.keep(key, found[1])
            if _current(*found, now):
                return self._from_entry(request, found[1])
        response = self.get_response(request)
        store = getattr(request, "_page_cache_store", None)
        if key is not None and store is not None and request.method == "GET":
            self._store(request, key, store, response)
        return response

    def _key(self, request):
        """The key this request's answer would be stored under, or None: never stored."""
        if request.method not in ("GET", "HEAD") or page_cache_seconds() <= 0:
            return None
        if _has_personal_state(request):
            return None
        if settings.SECURE_SSL_REDIRECT and not request.is_secure():
            return None  # SecurityMiddleware redirects it
        try:
            request.get_host()
        except DisallowedHost:
            return None  # SiteURLMiddleware answers 400
        language = _language(request)
        params = _cached_view_params(request, language)
        if params is None:
            return None
        query = _normalized_query(request.META.get("QUERY_STRING", ""), params)
        return _sent_key(request, language, query)

    def _store(self, request, key, store, response):
        if response.status_code != 200 or response.streaming or response.cookies:
            return
        if response.has_header("Set-Cookie") or _has_personal_state(request):
            return
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return
        now = time.time()
        if store["deadline"] <= now:
            return
        headers = list(response.items())
        if not response.has_header("Content-Length"):
            headers.append(("Content-Length", str(len(response.content))))
        entry = {
            "generation": store["generation"],
            "deadline": store["deadline"],
            "headers": headers,
            "header_store": {name.lower(): (name, value) for name, value in headers},
            "content": response.content,
            "etag": store["etag"],
            "last_modified": store["last_modified"],
        }
        cache.set(key, entry, max(1, int(store["deadline"] - now) + 1))
        local_answers.keep(key, entry)

    def _from_entry(self, request, entry):
        # HEAD gets GET's headers (Content-Length included) without the body.
        content = b"" if request.method == "HEAD" else entry["content"]
        response = HttpResponse(content)
        try:
            # The headers were checked when the page was first sent: setting them one by one
            # again (each validated and encoded) was a fifth of a hit's Python time.
            response.headers._store = dict(entry["header_store"])
        except (AttributeError, KeyError):
            response = HttpResponse(content, headers=entry["headers"])
        if not _CONDITIONAL_HEADERS.intersection(request.META):
            return response
        conditional = get_conditional_response(
            request,
            etag=entry["etag"],
            last_modified=int(entry["last_modified"]),
            response=response,
        )
        if conditional is not response:
            # 304 (or 412): the headers a rendered page's 304 carries, the security headers
            # among them, without those of the body.
            for name, value in entry["headers"]:
                if name.lower() not in _BODY_HEADERS:
                    conditional.headers.setdefault(name, value)
        return conditional


class PublicPageCacheMiddleware:
    """Serve public pages whole from the cache to anonymous readers; see the module docstring.

    It sits right after SecurityMiddleware (which still redirects plain HTTP and adds its
    headers to every answer), so a cached page skips sessions, languages and the view. When it
    has a page that may go to other readers, it says so to CachedAnswerMiddleware (first in
    MIDDLEWARE), which keeps the answer as sent and serves the next reader before all this.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self._respond(request)
        # Browsers and CDNs revalidate every page (cheap with the ETag), so that none keeps a
        # copy past a take-down; set after the page cache decided what it may store.
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_cache=True)
        return response

    def _respond(self, request):
        seconds = page_cache_seconds()
        read = request.method in ("GET", "HEAD")
        params = _cached_view_params(request) if read else None
        if params is not None:
            _normalize_query(request, params)
        cacheable = params is not None and read and seconds > 0 and not _has_personal_state(request)
        state = key = None
        if cacheable:
            state = known_state()
            key = _key(state, request)
            entry = cache.get(key)
            if entry is not None and entry["deadline"] > time.time():
                return self._from_entry(request, entry, state)

        response = self.get_response(request)
        if request.method not in ("GET", "HEAD") or _view_name(request) not in CACHED_VIEWS:
            return response
        if response.status_code != 200 or response.streaming:
            return response
        rendered_at = time.time()
        if cacheable and storable(request, response):
            deadline = rendered_at + seconds
            due = state["due"]
            if due == UNKNOWN:
                deadline = min(deadline, rendered_at + UNKNOWN_DUE_SECONDS)
            elif due is not None:
                deadline = min(deadline, due)
            entry = {
                "status": response.status_code,
                "headers": list(response.items()),
                "content": response.content,
                "etag": _etag(response.content),
                "last_modified": rendered_at,
                "deadline": deadline,
            }
            if deadline > rendered_at:
                cache.set(key, entry, max(1, int(deadline - rendered_at) + 1))
                _may_store(request, state, entry)
            response["ETag"] = entry["etag"]
            response["Last-Modified"] = http_date(int(rendered_at))
            return get_conditional_response(
                request, etag=entry["etag"], last_modified=int(rendered_at), response=response
            )
        # Per-reader pages (a CSRF token, a cookie) still get an ETag: it changes with the body.
        if not response.has_header("ETag"):
            response["ETag"] = _etag(response.content)
        return get_conditional_response(
            request, etag=response["ETag"], last_modified=None, response=response
        )

    def _from_entry(self, request, entry, state):
        _may_store(request, state, entry)
        # HEAD gets GET's headers (Content-Length included) without the body.
        content = b"" if request.method == "HEAD" else entry["content"]
        response = HttpResponse(content, status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        response["ETag"] = entry["etag"]
        response["Last-Modified"] = http_date(int(entry["last_modified"]))
        response["Content-Length"] = str(len(entry["content"]))
        return get_conditional_response(
            request,
            etag=entry["etag"],
            last_modified=int(entry["last_modified"]),
            response=response,
        )


def _may_store(request, state, entry):
    """Tell CachedAnswerMiddleware that this answer may go to other readers, until when."""
    request._page_cache_store = {
        "generation": state["generation"],
        "deadline": entry["deadline"],
        "etag": entry["etag"],
        "last_modified": entry["last_modified"],
    }


class PageCacheAlertMiddleware:
    """Tell the staff member whose change could not reach the page cache (after
    MessageMiddleware in the list, so that the message is kept for their next page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        failures = []
        token = _failures.set(failures)
        try:
            response = self.get_response(request)
        finally:
            _failures.reset(token)
        user = getattr(request, "user", None)
        if failures and user is not None and user.is_staff:
            messages.error(
                request,
                gettext(
                    "The public pages could not be refreshed: the cache did not answer. Pages "
                    "cached before this change may still be shown for up to %(minutes)d "
                    "minutes. Save again once the cache answers."
                )
                % {"minutes": max(1, page_cache_seconds() // 60)},
            )
        return response
