"""Django system checks for production (`manage.py check --deploy`)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured
from django.http.request import validate_host

MISSING_SECRET_KEY = (
    "SECRET_KEY must be set when DEBUG is off. "
    "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
)


def _secret_key_missing():
    try:
        return not settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses to hand out an empty key
        return True


def require_secret_key():
    """For the entry points that serve (icnk/wsgi.py, icnk/asgi.py): refuse to start without a
    key, rather than fail on the first request that signs something."""
    if _secret_key_missing():
        raise ImproperlyConfigured(MISSING_SECRET_KEY)


@register(Tags.security, deploy=True)
def check_secret_key(app_configs, **kwargs):
    if _secret_key_missing():
        return [Error(MISSING_SECRET_KEY, id="icnk.E000")]
    return []


# Caches that each process keeps for itself: a take-down would reach only the process that
# made it, while the others serve the name from their own copy until it expires.
PER_PROCESS_CACHES = {"django.core.cache.backends.locmem.LocMemCache"}


@register(Tags.caches, deploy=True)
def check_shared_page_cache(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.PAGE_CACHE_SECONDS > 0 and backend in PER_PROCESS_CACHES:
        return [
            Error(
                "The page cache is on (PAGE_CACHE_SECONDS) with a cache each process keeps for "
                "itself: a take-down, an unlisting or an unpublication would not reach the "
                "other processes and servers, which go on showing the page.",
                hint="Set CACHE_URL to a shared cache (redis://...), or PAGE_CACHE_SECONDS=0.",
                id="icnk.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs):
    url = urlsplit(settings.SITE_URL)
    if url.scheme not in ("http", "https") or not url.netloc or url.path.strip("/"):
        return [
            Error(
                "SITE_URL must be the address the public reaches the site at, such as "
                "https://icnk.example.org: every absolute URL in pages, feeds, the sitemap, "
                "the API and mail is built from it.",
                id="icnk.E002",
            )
        ]
    if not validate_host(url.hostname or "", settings.ALLOWED_HOSTS):
        return [Error("SITE_URL's host is not in ALLOWED_HOSTS.", id="icnk.E003")]
    return []


# An SMTP conversation is at most about this many round trips (connect, greeting, EHLO,
# STARTTLS and EHLO again, AUTH, MAIL, RCPT, DATA, the message), each of which may wait for the
# mailer's timeout.
SMTP_ROUND_TRIPS = 10


@register("mail", deploy=True)
def check_mail_stale_time(app_configs, **kwargs):
    """A message "being sent" for MAIL_STALE_SECONDS is taken for a dead worker's and sent by
    another (icnk/mail.py, icnk/bulk.py): a live worker must never hold one that long."""
    stale = settings.MAIL_STALE_SECONDS
    for name, mailer in settings.MAILERS.items():
        if mailer["BACKEND"] != "django.core.mail.backends.smtp.EmailBackend":
            continue
        timeout = mailer.get("OPTIONS", {}).get("timeout")
        if timeout is None:
            held = "without limit: it has no timeout"
        else:
            longest = settings.BULK_MAIL_BATCH_SECONDS + SMTP_ROUND_TRIPS * timeout
            if stale >= longest:
                continue
            held = (
                f"for up to {longest:g} seconds: BULK_MAIL_BATCH_SECONDS, then "
                f"{SMTP_ROUND_TRIPS} round trips of its timeout"
            )
        return [
            Error(
                f"MAIL_STALE_SECONDS ({stale}) is too short: a live worker may hold a message "
                f"of mailer {name!r} {held}. Another worker would take that message for a "
                "dead worker's and send it again.",
                hint="Raise MAIL_STALE_SECONDS (300 by default), or give the mailer a shorter "
                "timeout.",
                id="icnk.E004",
            )
        ]
    return []
