"""Logos at the size the directory shows them.

A logo is kept as uploaded (re-encoded, up to 600 px on its longest side, members/forms.py): an
organization's page shows it at 120 CSS pixels, and link previews take it. The directory shows
it at 56, on forty to a hundred cards a page, where the 600 px file would have a phone download
many times what it draws. So each logo gets a copy 168 px on its longest side (three device
pixels to the CSS pixel, as on most phones), stored beside it (`logos/<name>.card.<ext>`).

The copy is written after the save that sets the logo commits (no storage call under the
caller's locks, none for a save rolled back), and `Organization.logo_card` records it only
once it is written. Until then, or when it cannot be written (the storage does not answer,
the logo's file is lost), a card shows the logo itself: heavier, never a broken image. The
logos stored before the copies existed get theirs from migration 0017.
"""

import logging

from icnk.uploads import smaller_copy

CARD_SIDE = 168

logger = logging.getLogger(__name__)


def card_name(name):
    """The name of the card-size copy of the logo stored as `name`."""
    stem, dot, extension = name.rpartition(".")
    return f"{stem}.card.{extension}" if dot else f"{name}.card"


def card_or_logo(logo, logo_card):
    """What a card shows of an organization's `logo` (a stored name) given its `logo_card`
    column: the copy when it was written for this logo, else the logo itself."""
    return logo_card if logo_card and logo_card == card_name(logo) else logo


def write_card(storage, name):
    """Write the card-size copy of the logo stored as `name` in `storage`; its stored name, or
    "" when it could not be written (logged). Never raises."""
    target = card_name(name)
    try:
        with storage.open(name, "rb") as source:
            copy = smaller_copy(source, CARD_SIDE)
        if storage.exists(target):
            storage.delete(target)  # left half-written, or by a run that did not record it
        return storage.save(target, copy)
    except Exception as error:  # a file system, an object store: each has errors of its own
        logger.warning("logo %s: no card-size copy was written (%r)", name, error)
        return ""


def record_card(model, pk, name):
    """Write the copy of the logo `name` of organization `pk`, and record it if the
    organization still has that logo: its stored name once recorded, else "". `model`:
    Organization (or its historical model)."""
    stored = write_card(model._meta.get_field("logo").storage, name)
    if stored and model.objects.filter(pk=pk, logo=name).update(logo_card=stored):
        return stored
    return ""
