"""Public pages of the members: the directory, one organization, and the home page's counts.

Only `Organization.objects.public()` and `Supporter.objects.public()` reach a template, so a
supporter is shown as far as their visibility level allows and no private field is ever loaded.
"""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext
from django.views.decorators.http import require_safe
from django_countries.fields import Country

from icnk.api import is_page_number
from icnk.errors import bad_request, invalid_parameters
from icnk.headers import embeddable
from icnk.i18n import current_language
from members.models import Organization, OrganizationKind
from members.queries import (
    INDIVIDUALS,
    DirectoryCounts,
    DirectoryQuery,
    num_pages,
    page_number,
    page_slice,
)
from statements.queries import signed_by


@require_safe
def directory(request):
    query = DirectoryQuery.from_request(request)
    if not is_page_number(query.page):
        return bad_request(request, invalid_parameters(["page"]))
    counts = DirectoryCounts(query)
    org_count, sup_count = counts.organization_results, counts.supporter_results
    pages = max(num_pages(org_count), num_pages(sup_count))
    number = page_number(query.page, pages)
    context = {
        "query": query,
        "totals": counts.totals(),
        "organizations": page_slice(query.organizations(), org_count, number),
        "supporters": page_slice(query.supporters(), sup_count, number),
        "result_count": org_count + sup_count,
        "country_facets": counts.country_facets(),
        "kind_facets": counts.kind_facets(),
        "page_number": number,
        "num_pages": pages,
        "previous_page": number - 1 if number > 1 else None,
        "next_page": number + 1 if number < pages else None,
        "selected_country": Country(query.country) if query.country else None,
        "selected_kind": dict(kind_choices()).get(query.kind, ""),
        "all_kinds_querystring": query.querystring(kind=""),
        "all_countries_querystring": query.querystring(country=""),
        "region_querystring": query.querystring(order=""),
        "alpha_querystring": query.querystring(order="alpha"),
        "page_querystring": f"{qs}&" if (qs := query.querystring()) else "",
    }
    return render(request, "members/organization_list.html", context)


@require_safe
@embeddable
def directory_embed(request):
    """The directory in compact form for partner sites' <iframe>s: the same filters as query
    parameters (q, country, kind, order, page), the same queries and counts, so the same
    people are shown as on the directory, no more; every link opens the full site in a new
    tab."""
    query = DirectoryQuery.from_request(request)
    if not is_page_number(query.page):
        return bad_request(request, invalid_parameters(["page"]))
    counts = DirectoryCounts(query)
    org_count, sup_count = counts.organization_results, counts.supporter_results
    pages = max(num_pages(org_count), num_pages(sup_count))
    number = page_number(query.page, pages)
    context = {
        "query": query,
        "totals": counts.totals(),
        "organizations": page_slice(query.organizations(), org_count, number),
        "supporters": page_slice(query.supporters(), sup_count, number),
        "result_count": org_count + sup_count,
        "page_number": number,
        "num_pages": pages,
        "previous_page": number - 1 if number > 1 else None,
        "next_page": number + 1 if number < pages else None,
        "selected_country": Country(query.country) if query.country else None,
        "selected_kind": dict(kind_choices()).get(query.kind, ""),
        "directory_querystring": query.querystring(),
        "page_querystring": f"{qs}&" if (qs := query.querystring()) else "",
    }
    return render(request, "members/directory_embed.html", context)


def kind_choices():
    return [*OrganizationKind.choices, (INDIVIDUALS, gettext("Individual supporters"))]


SIGNED_PER_PAGE = 20


@require_safe
def organization_detail(request, slug):
    organization = get_object_or_404(Organization.objects.public(), slug=slug)
    # Twenty at a time: a long-standing member may have signed hundreds.
    page = Paginator(signed_by(organization, current_language()), SIGNED_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"organization": organization, "statements": page.object_list, "page_obj": page}
    return render(request, "members/organization_detail.html", context)
