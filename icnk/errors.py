"""Bad input answers 400 with a reason: the page a reader gets, and the NUL-byte guard; a form
that Django's CSRF protection refuses answers 403, saying what to do."""

from django.http import JsonResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE, REASON_NO_REFERER
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils.translation import gettext

# The largest id the database stores (a signed 64-bit integer).
MAX_ID = 2**63 - 1


def id_param(value):
    """A value from an address or a form as a row id, or None: only ASCII digits, small enough
    to be an id (str.isdigit() also accepts "²", which int() and the database refuse, and any
    length)."""
    value = str(value)
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def invalid_parameters(names):
    """The reason for a 400: these parameters of the query string are not valid."""
    return gettext("These parameters of the address are not valid: %(names)s.") % {
        "names": ", ".join(sorted(names))
    }


def bad_request(request, reason):
    """400, saying why."""
    return TemplateResponse(request, "icnk/bad_request.html", {"reason": reason}, status=400)


class RejectNulBytesMiddleware:
    """No address of this site holds a NUL byte, and PostgreSQL can neither store nor compare
    one: a view that looked it up would fail with 500. Refuse it here, for every view, with 400
    (JSON under /api/, as every API error is)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in name or any("\x00" in value for value in values)
            for name, values in request.GET.lists()
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "the address contains a NUL byte"}, status=400)
            reason = gettext("The address contains a NUL byte, which no page here uses.")
            return bad_request(request, reason).render()  # no view renders it here
        return self.get_response(request)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form this site cannot tell came from one of its own pages.

    Django's own page is written for developers (and in Japanese addresses the reader as
    あなた): a reader, often one whose browser withholds cookies or the Referer header for
    privacy, gets instead the site's page in their language, with the one thing to change.
    """
    context = {
        "no_cookie": reason == REASON_NO_CSRF_COOKIE,
        "no_referer": reason == REASON_NO_REFERER,
    }
    return render(request, "403_csrf.html", context, status=403)
