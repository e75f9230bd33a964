from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from icnk import security, staff_views, views
from icnk.sitemaps import StaticPagesSitemap
from members.sitemaps import OrganizationSitemap
from statements.sitemaps import CampaignSitemap, StatementSitemap

sitemaps = {
    "pages": StaticPagesSitemap,
    "organizations": OrganizationSitemap,
    "statements": StatementSitemap,
    "campaigns": CampaignSitemap,
}

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    # An index of parts: each section in pages of at most `limit` items (icnk/sitemaps.py).
    path("sitemap.xml", views.sitemap_index, {"sitemaps": sitemaps}, name="sitemap"),
    path(
        "sitemap-<section>.xml",
        views.sitemap_section,
        {"sitemaps": sitemaps},
        name="sitemap-section",
    ),
    path("api/v1/members/", include("members.api_urls")),
    path("api/v1/statements/", include("statements.api_urls")),
    # oEmbed (https://oembed.com/) for statements: a card for other sites (statements/embed.py).
    path("oembed", include("statements.oembed_urls")),
    path(f"{settings.ADMIN_URL}two-factor/", security.two_factor, name="two-factor"),
    # The emailed invitation link: a signed token, never an address (icnk/staff.py).
    path(
        f"{settings.ADMIN_URL}invitation/<str:token>/",
        staff_views.accept_invitation,
        name="staff-invitation",
    ),
    path(f"{settings.ADMIN_URL}sign-ins/", staff_views.my_sign_ins, name="my-sign-ins"),
    path(settings.ADMIN_URL, admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("", views.HomeView.as_view(), name="home"),
    path("about/", views.AboutView.as_view(), name="about"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("members/", include("members.urls")),
    # Pages for other sites' <iframe>s: the only ones that relax frame-ancestors.
    path("embed/members/", include("members.embed_urls")),
    path("embed/statements/", include("statements.embed_urls")),
    path("join/", include("members.join_urls")),
    path("statements/", include("statements.urls")),
    path("campaigns/", include("statements.campaign_urls")),
    path("sign/", include("drives.urls")),
    path("follow/", include("followers.urls")),
    # The document links of embargoed releases: signed and expiring (followers/embargo.py).
    path("press/embargoed/", include("followers.embargo_urls")),
    path("press/", include("followers.press_urls")),
    prefix_default_language=True,
)

if settings.SERVE_MEDIA:
    # In production the web server or object store serves uploads.
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
