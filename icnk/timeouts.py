"""A query cancelled for running too long answers 503 with a reason, not a 500.

On PostgreSQL every statement of a web request is capped by `statement_timeout` (settings:
DATABASE_STATEMENT_TIMEOUT). A request whose query hits the cap (a search of the whole
archive while the database is busy, say) is told so and asked to retry; nothing was written,
as the request's queries run in autocommit and the cancelled one changed nothing. The answer is
JSON under /api/ (`{"detail": ...}`, as the API's other errors), a page elsewhere, and is never
stored by the page cache (only 200s are).
"""

import logging

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext

logger = logging.getLogger(__name__)

# PostgreSQL's SQLSTATE for "canceling statement due to statement timeout".
QUERY_CANCELED = "57014"
RETRY_AFTER_SECONDS = 30


def is_query_timeout(error):
    """Whether `error` (as Django raises it) is a query cancelled by statement_timeout."""
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) == QUERY_CANCELED


class QueryTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        # Also called for errors while a TemplateResponse renders, where list pages run their
        # queries.
        if not is_query_timeout(exception):
            return None
        logger.warning("Query time limit reached: %s", request.get_full_path()[:300])
        message = gettext(
            "This request took too long for the database and was stopped. "
            "Please try again in a moment, or narrow your search."
        )
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message}, status=503)
        else:
            # Rendered without context processors: no further query for a busy database.
            response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
