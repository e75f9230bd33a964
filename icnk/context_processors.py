from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from icnk import cache as page_cache
from icnk.i18n import OG_LOCALES, current_language
from icnk.models import SiteSettings
from icnk.site_url import absolute_url, site_url


def _on_this_site(url):
    return url.startswith("/") and not url.startswith("//") and not url.startswith("/\\")


def language_url(request, code):
    """This page in language `code`; the language's home for a path that resolves to nothing
    (a 404 for `//evil.example/ko/join/` must not link to evil.example).

    As `translate_url()`, from the match the request was routed by: resolving the path again
    for each language cost three times what reversing it does."""
    match = request.resolver_match
    if match is not None:
        url = request.get_full_path()
        if match.url_name:
            name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
            with translation.override(code):
                try:
                    path = reverse(name, args=match.args, kwargs=match.kwargs)
                except NoReverseMatch:
                    pass
                else:
                    query = url.partition("?")[2]
                    url = f"{path}?{query}" if query else path
        if _on_this_site(url):
            return url
    with translation.override(code):
        return reverse("home")


def _alternates(request):
    alternates = []
    for code, name in settings.LANGUAGES:
        url = language_url(request, code)
        alternates.append(
            {
                "code": code,
                "name": name,
                "url": url,
                "absolute_url": absolute_url(url),
                "og_locale": OG_LOCALES.get(code, code),
            }
        )
    return alternates


def site(request):
    """The coalition's details and this page's address in every site language."""
    state = page_cache.known_state()
    return {
        # Every page reads them: kept in the process while the page cache's generation, which
        # saving them replaces, stands (one round trip a second at most, not one a page).
        "site": page_cache.per_generation("site-settings", SiteSettings.load, state),
        # What the page's parts kept per generation ({% kept %}) are kept under: read before
        # anything they show was loaded, so they never hold older data than it names.
        "page_generation": state["generation"],
        # Worked out where a page reads them, and not at all on a page that gives its own (a
        # statement points at its real language versions).
        "language_alternates": SimpleLazyObject(lambda: _alternates(request)),
        "current_language": current_language(),
        "site_url": site_url(),
    }
