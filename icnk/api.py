"""What the read-only JSON APIs share (`/api/v1/members/`, `/api/v1/statements/`).

django-ninja describes each endpoint from its typed parameters and response schemas, so the
OpenAPI document served at `<api>/openapi.json` is generated from the code that answers. Every
API here answers the same way:

- a list is one `Page`: `count`, `page`, `pages`, `next`, `previous` (absolute URLs or null)
  and `results`;
- every error is JSON `{"detail": "<reason>"}` with a 4xx status: 400 for a parameter that is
  not valid (the reason names it), 404 for nothing there, 405 for a method other than GET/HEAD;
- HEAD works wherever GET does.
"""

import re
from functools import partial
from typing import Annotated

from django.http import JsonResponse, QueryDict
from django.urls import path
from django.views.decorators.http import require_safe
from ninja import NinjaAPI, Schema
from ninja.errors import ValidationError
from ninja.openapi.views import openapi_json
from ninja.renderers import JSONRenderer
from pydantic import BaseModel, BeforeValidator, Field, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

MAX_PAGE = 100_000
# A NUL byte cannot be stored or searched in PostgreSQL text; no parameter may carry one.
NO_NUL = r"^[^\x00]*$"
_DIGITS = re.compile(r"[0-9]+")


def _ascii_number(value):
    """A query-string number is plain digits: not "1.0", " 1", "１", "²" or "1_000"."""
    if isinstance(value, str):
        if not _DIGITS.fullmatch(value):
            raise ValueError("must be a whole number written with the digits 0-9")
        if len(value) > 9:
            raise ValueError("is too large")
    return value


def Number(*, ge, le, **field):  # noqa: N802 (a type, used in annotations)
    """A whole number between `ge` and `le`, written in ASCII digits."""
    # The bounds come before the validator: after it, pydantic would not put them in the
    # JSON schema as minimum/maximum.
    return Annotated[int, Field(ge=ge, le=le, **field), BeforeValidator(_ascii_number)]


# A slug in a path: any text (Korean and Japanese slugs too) but a NUL byte.
Slug = Annotated[str, Field(max_length=200, pattern=NO_NUL)]
PageNumber = Number(ge=1, le=MAX_PAGE, description="page number, from 1")
_page_number = TypeAdapter(PageNumber)


def is_page_number(value):
    """Whether a query-string value is a page number the APIs would accept (HTML lists too)."""
    try:
        _page_number.validate_python(value)
    except PydanticValidationError:
        return False
    return True


class Error(Schema):
    detail: str = Field(description="why the request was refused")


class Row(BaseModel):
    """A response schema for what a view builds as a dict (a row of a list): validated as
    the dict it is. A ninja `Schema` wraps each object it validates to read Django models'
    attributes, 12 µs a row of a list."""


class Page[T](Schema):
    count: int = Field(description="number of results across all pages")
    page: int
    pages: int
    next: str | None = Field(description="absolute URL of the next page, or null")
    previous: str | None = Field(description="absolute URL of the previous page, or null")
    results: list[T]


def pages_for(count, per_page):
    return max(1, -(-count // per_page))


def page_of(request, *, count, number, pages, rows):
    """The shared envelope around one page of `rows` (the caller has sliced them)."""

    def url(page):
        query = QueryDict(mutable=True)  # the reader's filters, less the empty ones
        for name, values in request.GET.lists():
            query.setlist(name, [value for value in values if value])
        query["page"] = page
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": count,
        "page": number,
        "pages": pages,
        "next": url(number + 1) if number < pages else None,
        "previous": url(number - 1) if number > 1 else None,
        "results": rows,
    }


class NoSuchPage(Exception):
    """A page number past the last page: 404, as for any address with nothing there."""


def check_page(number, pages):
    if number > pages:
        raise NoSuchPage


def _reason(errors):
    """`page: must be a whole number ...; kind: not one of the values listed in the schema`:
    one reason per parameter (a union such as `year` reports its first alternative)."""
    reasons = {}
    for error in errors:
        # ("query", "page"), or ("query", "filters", "year", "<alternative>") for a union in the
        # schema that an endpoint takes as its `filters` argument.
        loc = [part for part in error.get("loc", ()) if part not in ("query", "path", "filters")]
        name = str(loc[0]) if loc else "request"
        if error.get("type") == "literal_error":
            message = "not one of the values listed in the schema"
        else:
            message = error.get("msg", "not valid").removeprefix("Value error, ")
        reasons.setdefault(name, message)
    return "; ".join(f"{name}: {message}" for name, message in reasons.items()) or "not valid"


class Renderer(JSONRenderer):
    # Korean and Japanese as themselves, not \uXXXX escapes, as the APIs have always answered.
    json_dumps_params = {"ensure_ascii": False}


def json_api(*, title, description, namespace):
    """A read-only API whose errors follow the convention in this module's docstring."""
    api = NinjaAPI(
        title=title,
        version="1",
        description=description,
        urls_namespace=namespace,
        openapi_url=None,  # served by `urls()` under a stable name, `<namespace>:schema`
        docs_url=None,
        renderer=Renderer(),
    )

    @api.exception_handler(ValidationError)
    def invalid(request, exc):
        return api.create_response(request, {"detail": _reason(exc.errors)}, status=400)

    @api.exception_handler(NoSuchPage)
    def no_such_page(request, exc):
        return api.create_response(request, {"detail": "page: no such page"}, status=404)

    return api


def read(api, route, *, url_name, response, **kwargs):
    """Register a GET endpoint that answers HEAD the same way (HEAD stays out of the schema:
    it is GET without a body). `response` is the schema of a 200; the errors are documented
    here, the same for every endpoint."""
    response = {200: response, 400: Error, 404: Error}

    def register(view):
        # GET first: the URL pattern takes its name from the path's first operation.
        api.get(route, url_name=url_name, response=response, **kwargs)(view)
        return api.api_operation(["HEAD"], route, response=response, include_in_schema=False)(view)

    return register


def _not_allowed(view):
    """ninja answers a method it does not serve with a plain-text 405; ours is JSON too."""

    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allowed = response["Allow"]
            response = JsonResponse({"detail": f"method not allowed: use {allowed}"}, status=405)
            response["Allow"] = allowed
        return response

    wrapped.csrf_exempt = True
    return wrapped


def urls(api):
    """The API's URL patterns (names from each endpoint's `url_name`) plus its schema at
    `openapi.json`, named `schema`."""
    patterns, _app, _namespace = api.urls
    for pattern in patterns:
        if pattern.name != "api-root":
            pattern.callback = _not_allowed(pattern.callback)
    schema = require_safe(partial(openapi_json, api=api))
    return [path("openapi.json", schema, name="schema"), *patterns]
