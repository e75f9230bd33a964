"""File storage that leaves nothing half-written behind."""

import contextlib
import logging
import os

from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class SafeFileSystemStorage(FileSystemStorage):
    """FileSystemStorage that removes a partly written file when writing fails (a full disk).

    Django's own storage closes the file and re-raises, leaving the truncated bytes on disk.
    """

    def _save(self, name, content):
        try:
            return super()._save(name, content)
        except FileExistsError:
            raise
        except OSError:
            with contextlib.suppress(OSError):
                os.remove(self.path(name))
            logger.exception("could not store upload %s", name)
            raise


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files (WhiteNoise), each address worked out once.

    `{% static %}` looks the name up in the manifest, quotes it and joins it to STATIC_URL:
    about 20 µs a call, and every page's head and header make seven. The manifest is read when
    the storage is made and does not change while it lives (Django makes a new one when the
    settings change), so neither does an address. A name the manifest lacks raises as before
    and is not kept; the number kept is bounded.
    """

    MAX_KEPT = 2048

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls = {}

    def post_process(self, *args, **kwargs):
        self._urls.clear()  # collectstatic writes a new manifest
        yield from super().post_process(*args, **kwargs)
        self._urls.clear()

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            url = super().url(name)
            if len(self._urls) < self.MAX_KEPT:
                self._urls[name] = url
            return url
