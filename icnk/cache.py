"""Whole-page cache for anonymous readers, invalidated by a generation number.

On the day a statement makes the news, thousands of readers ask for the same few pages. Each
public page is kept whole (per language and query string) in the shared cache (Redis in
production) and served without touching the database.

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
(when the page was rendered), so feed readers and API clients get 304 Not Modified.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

GENERATION_KEY = "pages:generation"
# Until the next write tells when the next scheduled statement is due (after the cache was
# emptied), pages are kept this long at most.
UNKNOWN_DUE_SECONDS = 10
UNKNOWN = "unknown"

# ---------------------------------------------------------------------------------------------
# What the apps register (in their AppConfig.ready()): this module imports no app
# ---------------------------------------------------------------------------------------------

CACHED_VIEWS = set()  # URL names as `namespace:name`
_due_sources = []


def cache_view(view_name):
    """Keep the public page with this URL name (`namespace:name`) whole for anonymous readers."""
    CACHED_VIEWS.add(view_name)


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


def _new_generation():
    state = {"generation": time.time_ns(), "due": _next_due()}
    cache.set(GENERATION_KEY, state, None)
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


class PublicPageCacheMiddleware:
    """Serve public pages whole from the cache to anonymous readers; see the module docstring.

    It sits right after SecurityMiddleware (which still redirects plain HTTP and adds its
    headers to every answer), so a cached page skips sessions, languages and the view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = page_cache_seconds()
        cacheable = request.method == "GET" and seconds > 0 and not _has_personal_state(request)
        state = key = None
        if cacheable:
            state = current_state()
            key = _key(state, request)
            entry = cache.get(key)
            if entry is not None and entry["deadline"] > time.time():
                return self._from_entry(request, entry)

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

    def _from_entry(self, request, entry):
        response = HttpResponse(entry["content"], status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        response["ETag"] = entry["etag"]
        response["Last-Modified"] = http_date(int(entry["last_modified"]))
        return get_conditional_response(
            request,
            etag=entry["etag"],
            last_modified=int(entry["last_modified"]),
            response=response,
        )
