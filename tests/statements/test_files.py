"""A statement's documents and image are not left at their public addresses once it is deleted
or no longer public (statements/files.py): the web server serves whatever is stored there."""

import io
import logging
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image

from statements.models import Attachment, Statement
from tests.factories import login_with_two_factor

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.icnk.test_headers")]  # serves media

CHANGELIST = "/admin/statements/statement/"


def _stored(name):
    return (Path(settings.MEDIA_ROOT) / name).exists()


def _jpeg():
    out = io.BytesIO()
    Image.new("RGB", (60, 40), "#3366aa").save(out, "JPEG")
    return ContentFile(out.getvalue(), "photo.jpg")


def _document(statement, title="Witness list"):
    attachment = Attachment(
        statement=statement, title=title, language="en", original_name="witnesses.pdf"
    )
    attachment.file.save("witnesses.pdf", ContentFile(b"%PDF-1.4 Jane Doe"), save=False)
    attachment.save()
    return attachment


@pytest.fixture
def published(make_statement):
    """A public statement with a document and an image, both served."""
    statement = make_statement(title="A witness speaks", slug="witness")
    statement.image.save("photo.jpg", _jpeg())
    return statement, _document(statement)


def _unpublish(client, statement, callbacks):
    with callbacks(execute=True):
        response = client.post(f"{CHANGELIST}{statement.pk}/unpublish/")
    assert response.status_code == 302


def test_statements_deleted_from_the_list_take_their_documents_and_images_along(
    client, administrator, published, make_statement, django_capture_on_commit_callbacks
):
    statement, attachment = published
    draft = make_statement(status=Statement.Status.DRAFT, published_at=None)
    other = _document(draft, title="Draft annex")
    urls = [attachment.file.url, statement.image.url, other.file.url]
    assert all(client.get(url).status_code == 200 for url in urls)

    login_with_two_factor(client, administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CHANGELIST,
            {"action": "delete_selected", "post": "yes",
             "_selected_action": [statement.pk, draft.pk]},
        )  # fmt: skip
    assert response.status_code == 302
    assert not Statement.objects.filter(pk__in=[statement.pk, draft.pk]).exists()
    for url in urls:
        assert not _stored(url.removeprefix(settings.MEDIA_URL))
        assert client.get(url).status_code == 404


def test_a_statement_deleted_on_its_own_page_takes_its_files_but_not_those_still_shown(
    client, administrator, published, make_statement, django_capture_on_commit_callbacks
):
    statement, attachment = published
    translation = make_statement(language="ko", translation_of=statement, image=statement.image)
    login_with_two_factor(client, administrator)

    # The translation shows its original's image: deleting it leaves the image to the original.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{CHANGELIST}{translation.pk}/delete/", {"post": "yes"})
    assert not Statement.objects.filter(pk=translation.pk).exists()
    assert _stored(statement.image.name) and _stored(attachment.file.name)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{CHANGELIST}{statement.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not _stored(statement.image.name) and not _stored(attachment.file.name)
    assert client.get(attachment.file.url).status_code == 404

    # Its history still lists it, and an old version shows (read-only) with its file gone.
    history = client.get(f"{CHANGELIST}{statement.pk}/history/")
    assert history.status_code == 200
    version = statement.history.earliest("history_date").history_id
    assert client.get(f"{CHANGELIST}{statement.pk}/history/{version}/").status_code == 200
    assert client.post(f"{CHANGELIST}{statement.pk}/history/{version}/").status_code == 403


def test_a_document_deleted_or_an_image_replaced_in_the_form_is_deleted(
    client, administrator, published, django_capture_on_commit_callbacks
):
    statement, attachment = published
    old_image = statement.image.name
    login_with_two_factor(client, administrator)
    form = {
        "title": statement.title,
        "slug": statement.slug,
        "language": "en",
        "kind": statement.kind,
        "summary": statement.summary,
        "body": statement.body,
        "image": _jpeg(),
        "image_alt": "A river",
        "attachments-TOTAL_FORMS": "1",
        "attachments-INITIAL_FORMS": "1",
        "attachments-0-id": attachment.pk,
        "attachments-0-statement": statement.pk,
        "attachments-0-title": attachment.title,
        "attachments-0-language": "en",
        "attachments-0-order": "0",
        "attachments-0-DELETE": "on",
    }
    for prefix in ("signatures", "press_contacts"):
        form |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{CHANGELIST}{statement.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    statement.refresh_from_db()
    assert statement.image.name != old_image and _stored(statement.image.name)
    assert not _stored(old_image)
    assert not Attachment.objects.exists() and not _stored(attachment.file.name)
    # The history page still shows the old versions, which name the files that are gone.
    assert client.get(f"{CHANGELIST}{statement.pk}/history/").status_code == 200
    first = statement.history.earliest("history_date").history_id
    assert client.get(f"{CHANGELIST}{statement.pk}/history/{first}/").status_code == 200


def test_a_deletion_rolled_back_keeps_the_files(published, django_capture_on_commit_callbacks):
    statement, attachment = published
    pk = statement.pk
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        statement.delete()
        transaction.set_rollback(True)
    assert Statement.objects.filter(pk=pk).exists()
    assert _stored(statement.image.name) and _stored(attachment.file.name)


def test_unpublished_documents_leave_their_addresses_and_come_back_at_new_ones(
    client, editor, published, make_statement, django_capture_on_commit_callbacks
):
    statement, attachment = published
    translation = make_statement(language="ko", translation_of=statement, image=statement.image)
    old_document, old_image = attachment.file.url, statement.image.url
    page = client.get(statement.get_absolute_url()).content.decode()
    assert old_document in page and old_image in page
    login_with_two_factor(client, editor)

    _unpublish(client, statement, django_capture_on_commit_callbacks)
    # The Korean version still showed them.
    assert client.get(old_document).status_code == 200
    _unpublish(client, translation, django_capture_on_commit_callbacks)
    for url in (old_document, old_image):
        assert not _stored(url.removeprefix(settings.MEDIA_URL))
        assert client.get(url).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{CHANGELIST}{statement.pk}/publish/")
    attachment.refresh_from_db()
    statement.refresh_from_db()
    translation.refresh_from_db()
    assert translation.image == statement.image  # still one image for both
    page = client.get(statement.get_absolute_url()).content.decode()
    assert old_document not in page and old_image not in page
    for url in (attachment.file.url, statement.image.url):
        assert url in page
        assert client.get(url).status_code == 200
    # Readers still save the document under the name it was uploaded with.
    saved_as = client.get(attachment.file.url)["Content-Disposition"]
    assert saved_as == 'inline; filename="witnesses.pdf"'


def test_files_stay_while_a_version_is_public_or_when_it_never_was(
    client, editor, published, make_statement, django_capture_on_commit_callbacks
):
    statement, attachment = published
    translation = make_statement(language="ja", translation_of=statement, image=statement.image)
    names = {attachment.file.name, statement.image.name}
    login_with_two_factor(client, editor)
    _unpublish(client, translation, django_capture_on_commit_callbacks)
    attachment.refresh_from_db()
    statement.refresh_from_db()
    assert {attachment.file.name, statement.image.name} == names
    assert all(_stored(name) for name in names)

    scheduled = make_statement(published_at=statement.published_at.replace(year=2999))
    scheduled.image.save("photo.jpg", _jpeg())
    image = scheduled.image.name
    _unpublish(client, scheduled, django_capture_on_commit_callbacks)  # back to draft
    scheduled.refresh_from_db()
    assert scheduled.status == Statement.Status.DRAFT
    assert scheduled.image.name == image and _stored(image)


def test_a_file_the_storage_cannot_move_stays_named_and_is_logged(
    client, editor, published, django_capture_on_commit_callbacks, caplog
):
    statement, attachment = published
    (Path(settings.MEDIA_ROOT) / attachment.file.name).unlink()  # lost from the storage
    old_image = statement.image.name
    login_with_two_factor(client, editor)
    with caplog.at_level(logging.WARNING, logger="statements.files"):
        _unpublish(client, statement, django_capture_on_commit_callbacks)
    statement.refresh_from_db()
    assert statement.status == Statement.Status.UNPUBLISHED
    assert Attachment.objects.get().file.name == attachment.file.name  # not pointed elsewhere
    assert f"attachment #{attachment.pk}: attachments/" in caplog.text
    assert "not moved, its address still answers" in caplog.text
    assert statement.image.name != old_image and _stored(statement.image.name)  # the rest moved


def test_a_replaced_document_is_deleted(published, django_capture_on_commit_callbacks):
    statement, attachment = published
    old = attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        attachment.file = ContentFile(b"%PDF-1.4 corrected", "corrected.pdf")
        attachment.save()
    assert _stored(attachment.file.name) and not _stored(old)


@pytest.mark.parametrize("how", ["saved as not public", "its last public version deleted"])
def test_a_statement_that_stops_being_public_another_way_moves_its_files(
    published, make_statement, django_capture_on_commit_callbacks, how
):
    statement, attachment = published
    old = attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        if how == "saved as not public":
            statement.status = Statement.Status.UNPUBLISHED
            statement.save()
        else:
            Statement.objects.filter(pk=statement.pk).update(status=Statement.Status.UNPUBLISHED)
            translation = make_statement(language="ko", translation_of=statement)
            translation.delete()
    attachment.refresh_from_db()
    assert attachment.file.name != old and _stored(attachment.file.name) and not _stored(old)
