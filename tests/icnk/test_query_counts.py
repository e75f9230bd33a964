"""What each page costs in database queries: one table, exact counts, at two data sizes.

The counts are exact on purpose. A page that gains a query (an N+1 loop, a lost
select_related, a new context processor) fails here; so does one that loses a query, so the
table always says what a page really costs. Both sizes share one number: a count that grows
with the data fails at the larger size. The whole-page cache is off (PAGE_CACHE_SECONDS=0) so
the page itself is measured, on an empty cache: the site-wide context (site settings, the
navigation's campaign) and anything else a page keeps in the cache are counted too.

To update a count after a deliberate change: run this file, read "Expected to perform N queries
but M were done" in the failure (add -v to see the SQL), check the new queries are the ones
you meant to add, and write M in the table below.
"""

import pytest
from django.conf import settings as django_settings
from django.contrib import admin
from django.utils import timezone

from icnk.roles import ADMINISTRATORS
from tests.factories import coalition, empty_cache, login_with_two_factor, make_staff

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.now().year  # the statements below are all published in the last days

# (organizations, statements a language): ten times as much data at the larger size.
SIZES = {"small": (30, 30), "large": (300, 300)}

PUBLIC_PAGES = {
    "/en/": 6,
    "/ko/": 6,
    "/en/about/": 2,
    "/en/privacy/": 2,
    "/en/members/": 8,  # + former members: organizations, supporters (the whole list only)
    "/en/members/?q=Organization&country=KR": 5,
    "/en/members/?kind=individual&order=alpha": 5,
    "/en/members/organization-0003/": 4,
    "/en/statements/": 6,
    # A search reads its page and its number of matches in one query (SearchPaginator).
    f"/en/statements/?q=Bulk&kind=joint_statement&year={THIS_YEAR}": 5,
    "/ko/statements/?q=Bulk": 5,
    "/en/statements/signed/": 4,  # without documents or press contacts: no query for them
    "/en/statements/feed/": 2,
    "/en/campaigns/campaign/": 5,
    "/en/join/": 2,
    "/en/embed/members/": 6,
    "/ko/embed/members/?kind=individual&country=KR": 5,
    "/en/embed/members/?q=Organization&order=alpha": 5,
    "/en/embed/statements/signed/": 4,
    "/oembed?url=http%3A%2F%2Ftestserver%2Fen%2Fstatements%2Fsigned%2F": 2,
    "/oembed?url=http%3A%2F%2Ftestserver%2Fen%2Fstatements%2Fsigned%2F&maxwidth=300": 2,
    "/api/v1/members/": 3,
    "/api/v1/members/?kind=individual": 3,
    "/api/v1/members/organization-0003/": 2,
    "/api/v1/statements/": 2,
    "/api/v1/statements/?language=ko&kind=joint_statement": 2,
    "/api/v1/statements/signed/": 4,
    "/sitemap.xml": 6,
    "/sitemap-pages.xml": 0,  # no template: no site-wide context
    "/sitemap-organizations.xml": 2,
    "/sitemap-statements.xml": 3,
    "/sitemap-campaigns.xml": 1,
    "/robots.txt": 0,
}

# Every model registered in the admin, by its changelist path under ADMIN_URL. An
# administrator's page asks once whether they are one, for the menu's "System" section.
ADMIN_CHANGELISTS = {
    "admin/logentry/": 11,
    "auth/group/": 12,
    "auth/user/": 13,
    "axes/accessattempt/": 15,
    "axes/accessfailurelog/": 15,
    "axes/accesslog/": 15,
    "django_tasks_database/dbtaskresult/": 14,
    "drives/drive/": 12,
    "drives/invitation/": 13,
    "followers/announcement/": 12,
    "followers/journalist/": 13,
    "followers/pressrelease/": 11,
    "followers/subscriber/": 14,
    "icnk/outboundemail/": 11,
    "icnk/sitesettings/": 13,
    "icnk/staffinvitation/": 12,
    "members/contacthandover/": 12,
    "members/joinrequest/": 12,
    "members/organization/": 12,
    "members/profilechange/": 11,
    "members/supporter/": 12,
    "members/visibilityrequest/": 12,
    "otp_static/staticdevice/": 12,
    "otp_totp/totpdevice/": 12,
    "statements/campaign/": 11,
    "statements/statement/": 12,
    "statements/statement/?language=ko&status=published": 12,
    "statements/topic/": 12,
}


@pytest.fixture(params=SIZES)
def data(request, site_settings, settings):
    settings.PAGE_CACHE_SECONDS = 0
    coalition(*SIZES[request.param])


@pytest.mark.parametrize(("url", "queries"), PUBLIC_PAGES.items())
def test_public_page_queries(client, data, django_assert_num_queries, url, queries):
    assert client.get(url).status_code == 200  # lazy per-process set-up is done
    empty_cache()
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(("path", "queries"), ADMIN_CHANGELISTS.items())
def test_admin_changelist_queries(client, data, django_assert_num_queries, path, queries):
    login_with_two_factor(client, make_staff("chief", ADMINISTRATORS))
    url = f"/{django_settings.ADMIN_URL}{path}"
    assert client.get(url).status_code == 200  # lazy per-process set-up is done
    empty_cache()
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_the_table_covers_every_admin_changelist():
    registered = {f"{m._meta.app_label}/{m._meta.model_name}/" for m in admin.site._registry}
    assert registered == {path.split("?")[0] for path in ADMIN_CHANGELISTS}


# A reader's page as served: the small site-wide caches (site settings, the navigation's
# campaign) warm as on any running site, the whole-page cache off. At most six queries at both
# sizes: a count that grew with the data would pass at one size and fail at the other.
MOST_PUBLIC_PAGE_QUERIES = 6


@pytest.mark.parametrize("url", [*PUBLIC_PAGES, "/ko/members/", "/ko/statements/?page=2"])
def test_every_public_page_reads_at_most_six_queries_at_any_size(
    client, data, django_assert_max_num_queries, url
):
    assert client.get(url).status_code == 200  # warms the site-wide caches
    with django_assert_max_num_queries(MOST_PUBLIC_PAGE_QUERIES):
        assert client.get(url).status_code == 200
