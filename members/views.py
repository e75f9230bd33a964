"""Public pages of the members: the directory, one organization, and the home page's counts.

Only `Organization.objects.public()` and `Supporter.objects.public()` reach a template (the
directory's as plain rows, members/queries.py), so a supporter is shown as far as their
visibility level allows and no private field is ever loaded.
"""

import datetime

from django.core import signing
from django.core.paginator import Page, Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_safe
from django_countries.fields import Country

from icnk.api import MAX_PAGE, is_page_number
from icnk.errors import bad_request, invalid_parameters
from icnk.headers import embeddable
from icnk.i18n import current_language
from icnk.models import SiteSettings
from members import renewal
from members.models import Organization, OrganizationKind
from members.queries import (
    INDIVIDUALS,
    DirectoryCounts,
    DirectoryQuery,
    by_region,
    former_members,
    num_pages,
    organization_cards,
    page_number,
    supporter_rows,
)
from statements.queries import signed_page


@require_safe
def directory(request):
    query = DirectoryQuery.from_request(request)
    if not is_page_number(query.page):
        return bad_request(request, invalid_parameters(["page"]))
    counts = DirectoryCounts(query)
    org_count, sup_count = counts.organization_results, counts.supporter_results
    pages = max(num_pages(org_count), num_pages(sup_count))
    number = page_number(query.page, pages)
    organizations = organization_cards(query.organizations(), org_count, number)
    context = {
        "query": query,
        "totals": counts.totals(),
        "organizations": organizations,
        # By region under each region's name, or A to Z in one list.
        "organization_groups": (
            by_region(organizations) if query.order == "region" else [(None, organizations)]
        ),
        "supporters": supporter_rows(query.supporters(), sup_count, number),
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
        # Former members (with their agreement) below the current ones, on the whole list only.
        "former": former_members() if not query.is_filtered and number == 1 else None,
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
        "organizations": organization_cards(query.organizations(), org_count, number),
        "supporters": supporter_rows(query.supporters(), sup_count, number),
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


def _signed_page_number(value):
    """The page of an organization's signed statements that `?page=` asks for, read as Django's
    `Paginator.get_page` reads it: a number past the end, however large, asks for the last page;
    anything else that is not a page number, for the first."""
    if is_page_number(value):
        return int(value)
    if value.isascii() and value.isdigit() and value.strip("0"):
        return MAX_PAGE  # past any real end (a longer number is not read as one): the last page
    return 1


@require_safe
def organization_detail(request, slug):
    organization = get_object_or_404(Organization.objects.public(), slug=slug)
    # Twenty at a time: a long-standing member may have signed hundreds.
    number = _signed_page_number(request.GET.get("page", ""))
    rows, count = signed_page(organization, current_language(), number, SIGNED_PER_PAGE)
    paginator = Paginator(range(count), SIGNED_PER_PAGE)
    page = Page(rows, paginator.validate_number(min(number, paginator.num_pages)), paginator)
    context = {"organization": organization, "statements": page.object_list, "page_obj": page}
    return render(request, "members/organization_detail.html", context)


def _private(response):
    """A personal page: never cached or indexed."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def renew(request, token):
    """/<lang>/members/renew/<token>/: the member checks its public profile and renews (POST).

    Opening the link changes nothing; the button does. The link is for one period: once that
    period is renewed, it says so and renews nothing more, even to two clicks at once.
    """
    try:
        member = renewal.read_token(token)
        if request.method == "POST":
            new_end = renewal.membership_renew(member=member, period=renewal.period_end(member))
            return _private(
                render(request, "members/renew_done.html", {"member": member, "new_end": new_end})
            )
    except renewal.LinkUsed:
        return _private(render(request, "members/renew_done.html", {"already": True}))
    except signing.BadSignature:
        return _private(render(request, "members/renew_invalid.html", status=404))
    end = renewal.period_end(member)
    context = {
        "member": member,
        "is_organization": isinstance(member, Organization),
        "end": end,
        "grace_end": end + datetime.timedelta(days=SiteSettings.load().grace_days),
        "state": renewal.membership_state(member),
        "new_end": renewal.next_period_end(member),
    }
    return _private(render(request, "members/renew.html", context))
