"""A statement's documents and images live only as long as it is public at their addresses.

The web server or the object store serves uploads by their stored name, whatever the database
says (README, "Uploads are untrusted bytes"). So the files follow the rows, once the change is
committed (never for a change rolled back, and no storage call under the caller's locks):

- a file no row names any more is deleted: its attachment or statement was deleted (by the
  admin's delete page, its "Delete selected" action or a cascade), or another upload replaced
  it. A file another row still names stays (a new translation shows its original's image).
  History rows may still name it: they are a read-only record, whose image and document
  links then answer 404;
- when no version of a statement is public any more (unpublished, or the last public version
  deleted), its documents and its versions' images are copied to new random names and the old
  ones deleted: the addresses crawlers and archives kept answer 404, and publishing it again
  shows the new ones. A statement never public (a draft, a cancelled schedule) keeps its names.

A storage that fails leaves the row on the file it had (logged); a row never names a file that
is gone because of this module.
"""

import functools
import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save

from icnk import cache as page_cache
from statements.models import Attachment, Statement

logger = logging.getLogger(__name__)


def connect():
    """Called once, from the app's ready()."""
    post_delete.connect(_attachment_deleted, sender=Attachment)
    pre_save.connect(_remember_stored, sender=Attachment)
    post_save.connect(_attachment_saved, sender=Attachment)
    post_delete.connect(_statement_deleted, sender=Statement)
    pre_save.connect(_remember_stored, sender=Statement)
    post_save.connect(_statement_saved, sender=Statement)


def delete_unless_named(field, name):
    """Delete the stored file `name` of `field` once the transaction commits, unless a row
    names it then."""
    if name:
        transaction.on_commit(functools.partial(_delete_unless_named, field, name), robust=True)


def withdraw_when_committed(statement):
    """Give the files of `statement`'s versions new names once the transaction commits, if no
    version is public then. For a statement that was public and is no longer."""
    transaction.on_commit(functools.partial(withdraw_files, statement.translation_key), robust=True)


def withdraw_files(translation_key):
    """Move the documents and images of the statement with `translation_key` to new random
    names, unless one of its versions is public. Returns how many files were moved."""
    versions = Statement.objects.filter(translation_key=translation_key)
    if versions.published().exists():
        return 0
    moved = 0
    for attachment in Attachment.objects.filter(statement__translation_key=translation_key):
        moved += _move(Attachment.objects.filter(pk=attachment.pk), "file", attachment)
    # Versions may share one image (a translation shows its original's): one copy for them.
    for name in set(versions.exclude(image="").values_list("image", flat=True)):
        moved += _move(versions.filter(image=name), "image", versions.filter(image=name).first())
    if moved:
        page_cache.invalidate()  # no page should show an address that is gone
    return moved


def _move(rows, column, instance):
    """Copy the file that `instance` (one of `rows`) has in `column` to a fresh random name,
    point `rows` at it, delete the old one. 1 when moved, 0 when the storage failed (the rows
    keep the old name)."""
    field = rows.model._meta.get_field(column)
    name = getattr(instance, column).name
    storage = field.storage
    try:
        with storage.open(name, "rb") as content:
            new = storage.save(field.generate_filename(instance, name), content)
    except Exception as error:  # a file system, an object store: each has errors of its own
        logger.warning(
            "%s #%s: %s not moved, its address still answers (%r)",
            instance._meta.model_name,
            instance.pk,
            name,
            error,
        )
        return 0
    if not rows.filter(**{column: name}).update(**{column: new}):
        _delete_unless_named(field, new)  # changed meanwhile: the copy is nobody's
        return 0
    _delete_unless_named(field, name)
    return 1


def _delete_unless_named(field, name):
    if (
        Attachment.objects.filter(file=name).exists()
        or Statement.objects.filter(image=name).exists()
    ):
        return
    try:
        field.storage.delete(name)
    except Exception as error:
        logger.warning("%s: not deleted, its address still answers (%r)", name, error)


# -- signals ----------------------------------------------------------------------------------


def _attachment_deleted(sender, instance, **kwargs):
    delete_unless_named(sender._meta.get_field("file"), instance.file.name)


def _statement_deleted(sender, instance, **kwargs):
    delete_unless_named(sender._meta.get_field("image"), instance.image.name)
    if instance.is_public:
        # Its other versions may no longer be public either: their documents were public here.
        withdraw_when_committed(instance)


def _remember_stored(sender, instance, raw=False, update_fields=None, **kwargs):
    """Read what the row held before this save: its file, and whether it was public."""
    instance._stored_files = None
    if raw or instance._state.adding or instance.pk is None:
        return
    columns = ["file"] if sender is Attachment else ["image", "status", "published_at"]
    if update_fields is not None and not set(columns) & set(update_fields):
        return
    instance._stored_files = sender.objects.filter(pk=instance.pk).values(*columns).first()


def _attachment_saved(sender, instance, **kwargs):
    stored = getattr(instance, "_stored_files", None)
    if stored and stored["file"] != instance.file.name:
        delete_unless_named(sender._meta.get_field("file"), stored["file"])


def _statement_saved(sender, instance, **kwargs):
    stored = getattr(instance, "_stored_files", None)
    if not stored:
        return
    if stored["image"] != instance.image.name:
        delete_unless_named(sender._meta.get_field("image"), stored["image"])
    was_public = Statement(status=stored["status"], published_at=stored["published_at"]).is_public
    if was_public and not instance.is_public:
        withdraw_when_committed(instance)
