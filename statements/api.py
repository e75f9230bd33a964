"""Read-only JSON of published statements: `/api/v1/statements/` and `.../<slug>/`.

Plain JsonResponse: two read-only endpoints do not need a framework. Only what the public
pages show is here; drafts and scheduled statements do not exist for the API.
"""

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from statements import queries
from statements.models import Statement

PAGE_SIZE = 20
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _error(message, status):
    return JsonResponse({"error": message}, status=status)


def _summary(request, statement):
    return {
        "slug": statement.slug,
        "language": statement.language,
        "translation_key": str(statement.translation_key),
        "kind": statement.kind,
        "title": statement.title,
        "summary": statement.summary,
        "dateline": statement.dateline,
        "published_at": statement.published_at.isoformat(),
        "updated_at": statement.updated_at.isoformat(),
        "campaign": statement.campaign.slug
        if statement.campaign and statement.campaign.is_public
        else None,
        "url": request.build_absolute_uri(statement.get_absolute_url()),
        "api_url": request.build_absolute_uri(
            reverse("statements-api:detail", kwargs={"slug": statement.slug})
            + f"?language={statement.language}"
        ),
    }


@require_GET
def statement_list(request):
    params = request.GET
    statements = Statement.objects.published().for_listing()
    language = params.get("language", "")
    if language:
        if language not in LANGUAGES:
            return _error(f"language must be one of {', '.join(LANGUAGES)}", 400)
        statements = statements.in_language(language)
    if kind := params.get("kind", ""):
        if kind not in Statement.Kind.values:
            return _error(f"kind must be one of {', '.join(Statement.Kind.values)}", 400)
        statements = statements.filter(kind=kind)
    if year := params.get("year", ""):
        if not year.isdigit():
            return _error("year must be a number", 400)
        statements = statements.filter(published_at__year=int(year))
    if campaign := params.get("campaign", ""):
        statements = statements.filter(campaign__slug=campaign, campaign__is_public=True)
    if q := params.get("q", "").strip():
        statements = statements.search(q, language=language or None)
    else:
        statements = statements.order_by("-published_at", "-pk")

    paginator = Paginator(statements, PAGE_SIZE)
    try:
        page = paginator.page(params.get("page", 1))
    except (EmptyPage, ValueError, TypeError):
        return _error("no such page", 404)

    def page_url(number):
        query = params.copy()
        query["page"] = number
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return JsonResponse(
        {
            "count": paginator.count,
            "page": page.number,
            "pages": paginator.num_pages,
            "next": page_url(page.next_page_number()) if page.has_next() else None,
            "previous": page_url(page.previous_page_number()) if page.has_previous() else None,
            "results": [_summary(request, s) for s in page.object_list],
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def statement_detail(request, slug):
    language = request.GET.get("language", "")
    if language and language not in LANGUAGES:
        return _error(f"language must be one of {', '.join(LANGUAGES)}", 400)
    candidates = Statement.objects.published().for_listing().filter(slug=slug)
    if language:
        candidates = candidates.in_language(language)
    # Without ?language=, the same slug in several languages resolves to the original.
    statement = candidates.order_by("translation_of", "language").first()
    if statement is None:
        return _error("no such statement", 404)
    signatories = queries.signatories(statement)
    data = _summary(request, statement)
    data.update(
        body_html=statement.body_html,
        versions=[
            {
                "language": v.language,
                "slug": v.slug,
                "title": v.title,
                "url": request.build_absolute_uri(v.get_absolute_url()),
            }
            for v in queries.language_versions(statement)
        ],
        signatories={
            "organizations": [_line(line) for line in signatories.organizations],
            "other_organizations": signatories.other_organizations,
            "individuals": [_line(line) for line in signatories.individuals],
            "other_individuals": signatories.other_individuals,
        },
        attachments=[
            {
                "title": a.title,
                "language": a.language,
                "content_type": a.content_type,
                "size": a.size,
                "url": request.build_absolute_uri(a.file.url),
            }
            for a in statement.source.attachments.all()
        ],
    )
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def _line(line):
    return {
        "name": line.name,
        "affiliation": line.affiliation,
        "signed_on": line.signed_on.isoformat(),
        "later_endorsement": line.later_endorsement,
        "withdrawn_on": line.withdrawn_on.isoformat() if line.withdrawn_on else None,
    }
