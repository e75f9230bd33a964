from django.conf import settings
from django.urls import translate_url

from icnk.i18n import current_language
from icnk.models import SiteSettings


def site(request):
    """The coalition's details and this page's address in every site language."""
    path = request.get_full_path()
    alternates = [
        {
            "code": code,
            "name": name,
            "url": translate_url(path, code),
            "absolute_url": request.build_absolute_uri(translate_url(path, code)),
        }
        for code, name in settings.LANGUAGES
    ]
    return {
        "site": SiteSettings.load(),
        "language_alternates": alternates,
        "current_language": current_language(),
    }
