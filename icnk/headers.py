"""Response headers that Django's own security settings do not cover.

Every response gets a Cross-Origin-Resource-Policy and a Permissions-Policy that turns off
browser features no page here uses. Uploads (anything under MEDIA_URL, which Django serves
only while developing) are treated as untrusted bytes: a sandboxing policy, no sniffing, a
content type from a short allow-list, and a download rather than a page for anything that is
not an image. Production should serve MEDIA with the same headers (see the README).
"""

import mimetypes
import re
from functools import wraps

from django.conf import settings
from django.utils.http import content_disposition_header

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)

# Uploads are shown in the browser only when they are one of these images or a PDF (a reader
# opens a statement's PDF to read it; the sandbox below still applies to it); everything else
# (office documents, anything unexpected) is downloaded.
INLINE_MEDIA_TYPES = {"image/png", "image/jpeg", "image/webp", "image/gif", "application/pdf"}
# What a download may be labelled as; anything else becomes an opaque byte stream, so that no
# browser ever runs an uploaded .html, .svg or .js file.
DOWNLOAD_MEDIA_TYPES = {
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
MEDIA_CSP = "default-src 'none'; sandbox"


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.media_prefix = settings.MEDIA_URL if settings.MEDIA_URL.startswith("/") else None

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if self.media_prefix and request.path.startswith(self.media_prefix):
            stored = request.path.removeprefix(self.media_prefix)
            original = original_name(stored) if response.status_code == 200 else ""
            protect_upload(response, request.path, original_name=original)
        return response


# Upload folders whose files are stored under random names, each with a function giving the
# name the file was uploaded with (registered by the app that owns the folder, in its ready()).
ORIGINAL_NAMES = {}


def original_names(folder, lookup):
    """Offer the files in `folder` (as "attachments/") under `lookup(stored_name)`, a sanitized
    file name or ""."""
    ORIGINAL_NAMES[folder] = lookup


def original_name(stored):
    for folder, lookup in ORIGINAL_NAMES.items():
        if stored.startswith(folder):
            return lookup(stored)
    return ""


def protect_upload(response, path, *, original_name=""):
    """Headers that keep an uploaded file from ever acting as a page, set on `response`.

    The file is offered under `original_name` (already sanitized) where there is one, in the
    RFC 6266 `filename*` form where it is not ASCII, so a Korean or Japanese name survives."""
    content_type = mimetypes.guess_type(path)[0] or ""
    name = path.rsplit("/", 1)[-1]
    response["Content-Security-Policy"] = MEDIA_CSP
    response["X-Content-Type-Options"] = "nosniff"
    if response.status_code != 200:
        return
    inline = content_type in INLINE_MEDIA_TYPES
    if not inline and content_type not in DOWNLOAD_MEDIA_TYPES:
        response["Content-Type"] = "application/octet-stream"
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if original_name and original_name.lower().endswith(f".{extension}"):
        response["Content-Disposition"] = content_disposition_header(not inline, original_name)
        return
    filename = f'; filename="{name}"' if re.fullmatch(r"[A-Za-z0-9._-]+", name) else ""
    response["Content-Disposition"] = f"{'inline' if inline else 'attachment'}{filename}"


def embeddable(view):
    """Let other sites show this page in an <iframe>: the embed pages, and only they.

    Every other page keeps `frame-ancestors 'none'` and `X-Frame-Options: DENY`. The relaxed
    policy is the site's own with `frame-ancestors` set to EMBED_FRAME_ANCESTORS (read when the
    page is answered, so a changed setting applies at once), and no X-Frame-Options, which
    cannot name several origins and would otherwise override nothing but Chromium's reading.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response._csp_config = {
            **settings.SECURE_CSP,
            "frame-ancestors": list(settings.EMBED_FRAME_ANCESTORS),
        }
        response.xframe_options_exempt = True
        return response

    return wrapped
