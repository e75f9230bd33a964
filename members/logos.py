"""Logos at the size the directory shows them.

A logo is kept as uploaded (re-encoded, up to 600 px on its longest side, members/forms.py): an
organization's page shows it at 120 CSS pixels, and link previews take it. The directory shows
it at 56, on forty to a hundred cards a page, where the 600 px file would have a phone download
many times what it draws. So each logo has a copy 168 px on its longest side (three device
pixels to the CSS pixel, as on most phones), stored beside it under a name made from its own
(`logos/<name>.card.<ext>`): a page prints that address without asking the storage. The copy is
written when an organization is saved with a logo that has none (members/models.py), and for
the logos already stored by migration 0016.
"""

import logging

from icnk.uploads import smaller_copy

CARD_SIDE = 168

logger = logging.getLogger(__name__)


def card_name(name):
    """The name of the card-size copy of the logo stored as `name`."""
    stem, dot, extension = name.rpartition(".")
    return f"{stem}.card.{extension}" if dot else f"{name}.card"


def write_card(storage, name):
    """Write the card-size copy of the logo stored as `name` in `storage`, unless it is there.

    Never raises: the copy is made from what is stored, and an organization's save (whatever
    it changed) must not fail for its sake. When the storage does not answer, or the logo's
    file is missing or damaged (as the page would then show it), this is logged, returns False,
    and the next save tries again."""
    target = card_name(name)
    try:
        if storage.exists(target):
            return True
        with storage.open(name, "rb") as source:
            copy = smaller_copy(source, CARD_SIDE)
        storage.save(target, copy)
    except Exception:  # a file system, an object store: each has errors of its own
        logger.exception("logo %s: no card-size copy was written", name)
        return False
    return True
