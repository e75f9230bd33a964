"""The document links in embargoed releases (followers/embargo.py signs them).

Before the embargo lifts, the link serves the file to whoever holds it, never cached and never
indexed; once the statement is public it leads to the public page; a link that was changed,
has expired or whose release was withdrawn gets a page that says so (404 or 410), never a 500.
"""

from django.conf import settings
from django.core import signing
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from followers.embargo import read_document_token
from icnk.headers import protect_upload
from statements.models import Statement


def _private(response):
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _refuse(request, reason, status):
    return _private(
        render(request, "followers/press/link_refused.html", {"reason": reason}, status=status)
    )


@require_safe
def document(request, token):
    try:
        attachment, delivery, expired = read_document_token(token)
    except signing.BadSignature:
        return _refuse(request, "invalid", 404)
    versions = Statement.objects.filter(translation_key=delivery.release.translation_key)
    public = {s.language: s for s in versions.published()}
    if public:
        # The embargo has lifted: the public page has the documents now.
        statement = (
            public.get(delivery.language)
            or public.get(attachment.statement.language)
            or public.get(settings.LANGUAGE_CODE)
            or next(iter(public.values()))
        )
        return _private(redirect(statement.get_absolute_url()))
    if expired:
        return _refuse(request, "expired", 410)
    if not versions.filter(status=Statement.Status.PUBLISHED).exists():
        return _refuse(request, "withdrawn", 410)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        return _refuse(request, "missing", 404)
    response = FileResponse(handle, content_type=attachment.content_type)
    protect_upload(response, attachment.file.name, original_name=attachment.original_name)
    return _private(response)
