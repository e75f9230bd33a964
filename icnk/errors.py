"""The page a reader gets for an address whose parameters are not valid (400)."""

from django.template.response import TemplateResponse
from django.utils.translation import gettext


def bad_request(request, error):
    """400 naming the parameters of a pydantic `ValidationError` that are not valid."""
    names = sorted({str(e["loc"][0]) for e in error.errors() if e.get("loc")})
    reason = gettext("These parameters of the address are not valid: %(names)s.") % {
        "names": ", ".join(names)
    }
    return TemplateResponse(request, "icnk/bad_request.html", {"reason": reason}, status=400)
