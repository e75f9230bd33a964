"""The document links in embargoed releases (followers/embargo.py signs them).

Before the embargo lifts, the link serves the file to whoever holds it, never cached and never
indexed; once the statement is public it leads to the public page; a link that was changed,
has expired or whose release was withdrawn gets a page that says so (404 or 410), never a 500.
"""

from types import SimpleNamespace

from django.conf import settings
from django.core import signing
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from followers import embargo
from followers.embargo import read_document_token
from icnk.headers import protect_upload
from statements.models import Statement
from statements.views import statement_context


def _private(response):
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _refuse(request, reason, status):
    return _private(
        render(request, "followers/press/link_refused.html", {"reason": reason}, status=status)
    )


def _public_page(versions, *languages):
    """The public page of the statement in the first of `languages` it is public in, else
    English, else any; None while no version is public."""
    public = {s.language: s for s in versions.published()}
    for code in [*languages, settings.LANGUAGE_CODE]:
        if code in public:
            return public[code].get_absolute_url()
    return next(iter(public.values())).get_absolute_url() if public else None


@require_safe
def document(request, token):
    try:
        attachment, delivery, expired = read_document_token(token)
    except signing.BadSignature:
        return _refuse(request, "invalid", 404)
    versions = Statement.objects.filter(translation_key=delivery.release.translation_key)
    if redirect_to := _public_page(versions, delivery.language, attachment.statement.language):
        # The embargo has lifted: the public page has the documents now.
        return _private(redirect(redirect_to))
    if expired:
        return _refuse(request, "expired", 410)
    if not versions.filter(status=Statement.Status.PUBLISHED).exists() or embargo.release_pulled(
        delivery.release
    ):
        return _refuse(request, "withdrawn", 410)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        return _refuse(request, "missing", 404)
    response = FileResponse(handle, content_type=attachment.content_type)
    protect_upload(response, attachment.file.name, original_name=attachment.original_name)
    return _private(response)


@require_safe
def preview(request, token):
    """The statement's page as readers will see it at the embargo time, for the journalist
    who holds the link, with its documents behind their own signed links."""
    try:
        delivery, expired = embargo.read_preview_token(token)
    except signing.BadSignature:
        return _refuse(request, "invalid", 404)
    release = delivery.release
    versions = Statement.objects.filter(translation_key=release.translation_key)
    if redirect_to := _public_page(versions, delivery.language):
        return _private(redirect(redirect_to))
    if expired:
        return _refuse(request, "expired", 410)
    scheduled = list(
        versions.filter(status=Statement.Status.PUBLISHED).select_related(
            "campaign", "translation_of"
        )
    )
    if not scheduled or embargo.release_pulled(release):
        return _refuse(request, "withdrawn", 410)
    statement = next((s for s in scheduled if s.language == delivery.language), scheduled[0])
    language = statement.language
    with translation.override(language):
        context = statement_context(request, statement, versions=[])
        context["attachments"] = [
            SimpleNamespace(
                title=a.title,
                language=a.language,
                content_type=a.content_type,
                extension=a.extension,
                size=a.size,
                file=SimpleNamespace(
                    url=embargo.document_url(attachment=a, delivery=delivery, language=language)
                ),
            )
            for a in context["attachments"]
        ]
        context["preview"] = True
        context["preview_label"] = gettext("Under embargo: for journalists on the press list.")
        context["preview_state"] = embargo.embargo_sentence(release.embargo_until, language)
        response = TemplateResponse(request, "statements/statement_detail.html", context)
        response.render()
    return _private(response)
