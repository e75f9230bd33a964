"""File storage that leaves nothing half-written behind."""

import contextlib
import logging
import os

from django.core.files.storage import FileSystemStorage

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
