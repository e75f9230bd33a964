"""Read-only JSON of the public members.

`GET /api/v1/members/`
    Organizations listed by name, 100 a page, ordered by region then name
    (`?order=alpha` for A to Z). Filters, as on the directory page:

    - `?q=` searches name, local name and acronym;
    - `?country=KR` an ISO 3166 code;
    - `?kind=` one of `international_ngo`, `national_ngo`, `survivors`, `faith`, `legal`,
      `academic`, `media`, `other`; `?kind=individual` lists the individual supporters who
      may be named instead (by the name they agreed to, never more);
    - `?page=` the page number (from 1).

    The answer is `{"count", "next", "previous", "totals", "results"}`: `count` is the number
    of results across pages, `next`/`previous` are absolute URLs or null, and `totals` the
    coalition's public totals (counted-only members are included in them, never named).

`GET /api/v1/members/<slug>/`
    One organization listed by name, with the published statements it signed in English.
    404 for any other.

Only public fields ever appear: no contact person, email, phone or note, and no supporter
beyond their visibility level. The schema is at `GET /api/v1/members/openapi.json`.
"""

from django.http import Http404, JsonResponse
from django.views.decorators.http import require_safe

from members.models import Organization
from members.views import DirectoryCounts, DirectoryQuery, num_pages, page_slice
from statements.queries import signed_by


def organization_json(organization, request):
    return {
        "type": "organization",
        "slug": organization.slug,
        "name": organization.name,
        "local_name": organization.local_name,
        "acronym": organization.acronym,
        "country": {"code": organization.country.code, "name": organization.country.name}
        if organization.country
        else None,
        "region": organization.region,
        "kind": organization.kind,
        "website": organization.website,
        "logo": request.build_absolute_uri(organization.logo.url) if organization.logo else None,
        "description": {
            "en": organization.description_en,
            "ko": organization.description_ko,
            "ja": organization.description_ja,
        },
        "member_since": organization.member_since.isoformat(),
        "founding_member": organization.founding_member,
        "url": request.build_absolute_uri(organization.get_absolute_url()),
    }


def supporter_json(supporter):
    return {
        "type": "supporter",
        "name": supporter.public_name,
        "affiliation": supporter.public_affiliation,
        "country": {"code": supporter.country.code, "name": supporter.country.name}
        if supporter.country
        else None,
    }


def _page_url(request, query, number):
    qs = query.querystring()
    return request.build_absolute_uri(f"{request.path}?{qs + '&' if qs else ''}page={number}")


@require_safe
def member_list(request):
    query = DirectoryQuery.from_request(request)
    counts = DirectoryCounts(query)  # totals and the number of results: two queries in all
    individuals = not query.shows_organizations
    if individuals:
        queryset, count = query.supporters(), counts.supporter_results
    else:
        queryset, count = query.organizations(), counts.organization_results
    pages = num_pages(count)
    try:
        number = int(query.page)
    except (TypeError, ValueError):
        number = 1
    if number < 1 or number > pages:
        raise Http404("No such page.")
    rows = page_slice(queryset, count, number)
    if individuals:
        results = [supporter_json(s) for s in rows]
    else:
        results = [organization_json(o, request) for o in rows]
    totals = counts.totals()
    totals.pop("headline")
    return JsonResponse(
        {
            "count": count,
            "next": _page_url(request, query, number + 1) if number < pages else None,
            "previous": _page_url(request, query, number - 1) if number > 1 else None,
            "totals": totals,
            "results": results,
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
def member_detail(request, slug):
    try:
        organization = Organization.objects.public().get(slug=slug)
    except Organization.DoesNotExist:
        return JsonResponse({"detail": "Not found."}, status=404)
    body = organization_json(organization, request)
    body["statements"] = [
        {
            "title": statement.title,
            "url": request.build_absolute_uri(statement.get_absolute_url()),
            "published_at": statement.published_at.isoformat(),
        }
        for statement in signed_by(organization, "en")
    ]
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


@require_safe
def openapi_schema(request):
    """A small OpenAPI 3.1 description of the two endpoints above."""
    country = {
        "type": ["object", "null"],
        "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
    }
    organization = {
        "type": "object",
        "properties": {
            "type": {"const": "organization"},
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "local_name": {"type": "string"},
            "acronym": {"type": "string"},
            "country": country,
            "region": {"type": "string"},
            "kind": {"type": "string"},
            "website": {"type": "string"},
            "logo": {"type": ["string", "null"], "format": "uri"},
            "description": {"type": "object", "additionalProperties": {"type": "string"}},
            "member_since": {"type": "string", "format": "date"},
            "founding_member": {"type": "boolean"},
            "url": {"type": "string", "format": "uri"},
        },
    }
    supporter = {
        "type": "object",
        "properties": {
            "type": {"const": "supporter"},
            "name": {"type": "string"},
            "affiliation": {"type": "string"},
            "country": country,
        },
    }
    params = [
        {"name": name, "in": "query", "schema": {"type": kind}}
        for name, kind in [
            ("q", "string"),
            ("country", "string"),
            ("kind", "string"),
            ("order", "string"),
            ("page", "integer"),
        ]
    ]
    schema = {
        "openapi": "3.1.0",
        "info": {"title": "Members", "version": "1", "description": __doc__},
        "paths": {
            "/api/v1/members/": {
                "get": {
                    "parameters": params,
                    "responses": {
                        "200": {
                            "description": "A page of members",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "count": {"type": "integer"},
                                            "next": {"type": ["string", "null"]},
                                            "previous": {"type": ["string", "null"]},
                                            "totals": {"type": "object"},
                                            "results": {
                                                "type": "array",
                                                "items": {"oneOf": [organization, supporter]},
                                            },
                                        },
                                    }
                                }
                            },
                        }
                    },
                }
            },
            "/api/v1/members/{slug}/": {
                "get": {
                    "parameters": [
                        {
                            "name": "slug",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "One organization",
                            "content": {"application/json": {"schema": organization}},
                        },
                        "404": {"description": "Not listed"},
                    },
                }
            },
        },
    }
    return JsonResponse(schema)
