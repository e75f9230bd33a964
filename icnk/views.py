import logging

from django.conf import settings
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.http import http_date
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe
from django.views.generic import TemplateView

from icnk.models import SiteSettings
from icnk.site_url import absolute_url
from icnk.sitemaps import render_sitemap_index, render_urlset

logger = logging.getLogger(__name__)


class HomeView(TemplateView):
    """The front page. Each app renders its own section through its template tags (member
    counts, latest statements, the featured campaign): see templates/icnk/home.html."""

    template_name = "icnk/home.html"


class AboutView(TemplateView):
    template_name = "icnk/about.html"


class PrivacyView(TemplateView):
    """What the site stores about people, why, who sees it, for how long, and how to ask."""

    template_name = "icnk/privacy.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            retention_days=settings.JOIN_REQUEST_RETENTION_DAYS,
            rate_window_minutes=settings.JOIN_RATE_WINDOW_SECONDS // 60,
            idle_minutes=settings.STAFF_IDLE_TIMEOUT // 60,
            follow_days=getattr(settings, "FOLLOW_CONFIRM_DAYS", 3),
        )
        return context


def _database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means "not reachable" to a load balancer
        logger.exception("health check: database unreachable")
        return False


def _cache_ok():
    key = f"healthz:{get_random_string(12)}"
    try:
        cache.set(key, "1", 10)
        ok = cache.get(key) == "1"
        cache.delete(key)
        return ok
    except Exception:
        logger.exception("health check: cache unreachable")
        return False


@never_cache
@require_GET
def healthz(request):
    """For load balancers and monitors: 200 when the database and the cache both answer."""
    checks = {"database": _database_ok(), "cache": _cache_ok()}
    healthy = all(checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        "checks": {name: "ok" if ok else "unreachable" for name, ok in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to the coalition's mark
    from the site settings, else to the shipped icon. Not a permanent redirect: staff may
    change the mark."""
    site = SiteSettings.load()
    response = HttpResponseRedirect(site.mark.url if site.mark else static("img/favicon.ico"))
    response["Cache-Control"] = "max-age=86400"
    return response


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        # The call to join is findable; the emailed confirmation links (one-time tokens) are
        # never fetched by a crawler. The pages after sending say noindex (base.html).
        *(f"Disallow: /{code}/join/confirm/" for code, _name in settings.LANGUAGES),
        *(f"Disallow: /{code}/sign/" for code, _name in settings.LANGUAGES),
        # The members' area: its sign-in page and the links mailed from it (members/area.py).
        *(f"Disallow: /{code}/members/area/" for code, _name in settings.LANGUAGES),
        "Allow: /",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@x_robots_tag
def sitemap_section(request, sitemaps, section):
    """One part of one section (`?p=2`): Django's sitemap view, written without the template
    engine (icnk/sitemaps.py)."""
    if section not in sitemaps:
        raise Http404(f"No sitemap available for section: {section!r}")
    sitemap = sitemaps[section]()
    try:
        urls = sitemap.get_urls(page=request.GET.get("p", 1))
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404(str(error)) from error
    lastmod = getattr(sitemap, "latest_lastmod", None)
    headers = {"Last-Modified": http_date(lastmod.timestamp())} if lastmod else None
    return HttpResponse(render_urlset(urls), content_type="application/xml", headers=headers)


@x_robots_tag
@require_GET
def sitemap_index(request, sitemaps):
    """The sitemap index: every page of every section, on SITE_URL (Django's own index takes
    the domain from the request or `django.contrib.sites`)."""
    parts = []
    for section, sitemap in sitemaps.items():
        sitemap = sitemap() if callable(sitemap) else sitemap
        location = absolute_url(reverse("sitemap-section", kwargs={"section": section}))
        lastmod = sitemap.get_latest_lastmod()
        parts.append(SitemapIndexItem(location, lastmod))
        parts.extend(
            SitemapIndexItem(f"{location}?p={page}", lastmod)
            for page in range(2, sitemap.paginator.num_pages + 1)
        )
    return HttpResponse(render_sitemap_index(parts), content_type="application/xml")
