"""Uploaded files, checked by what they contain rather than what they are called.

Images (logos): every image is opened with Pillow, refused when it is not PNG, JPEG or WebP, too
large in bytes or pixels, or a decompression bomb; then re-encoded, which drops EXIF and other
metadata (a photo's location can endanger the people in it) and anything hidden after the image
data (`clean_image`).

Attachments (a statement's PDFs and office documents): refused when too large, empty, of
another kind, or when the first bytes do not match the extension, so that a renamed executable
or HTML page never reaches readers (`inspect_attachment`). A PDF is rewritten without its
document information and XMP metadata (author, creator tool, titles that name a drafter:
`strip_pdf_metadata`); office documents keep theirs, so staff remove it before uploading (the
attachment's help text and README say so).

Every upload is stored under a random name (`RandomName`).
"""

import io
import uuid
import warnings

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

# ---------------------------------------------------------------------------------------------
# Images
# ---------------------------------------------------------------------------------------------

MAX_BYTES = 2 * 1024 * 1024
MAX_SIDE = 4000
# Decoding costs memory and time by the pixel: 16 megapixels is a large photo, and a logo needs
# far fewer. Both limits are read from the file's header, before anything is decoded.
MAX_PIXELS = 16_000_000
LOGO_MAX_SIDE = 2000
ALLOWED_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}


def clean_image(
    upload, *, max_bytes=MAX_BYTES, max_side=MAX_SIDE, max_pixels=MAX_PIXELS, longest_side=None
):
    """Return a new, re-encoded upload or raise ValidationError with a reader's message.

    `longest_side` shrinks the stored image (a logo needs no more than a few hundred pixels).
    """
    if upload.size > max_bytes:
        raise ValidationError(
            _("The image is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as probe:
                image_format = probe.format
                width, height = probe.size
                if image_format not in ALLOWED_FORMATS:
                    raise ValidationError(
                        _("Please upload a PNG, JPEG or WebP image."), code="bad_format"
                    )
                if width > max_side or height > max_side:
                    raise ValidationError(
                        _("The image is %(w)s×%(h)s pixels; at most %(max)s×%(max)s is allowed.")
                        % {"w": width, "h": height, "max": max_side},
                        code="too_many_pixels",
                    )
                if width * height > max_pixels:
                    raise ValidationError(
                        _(
                            "The image is %(w)s×%(h)s pixels; at most %(max)s million pixels "
                            "are allowed."
                        )
                        % {"w": width, "h": height, "max": max_pixels // 1_000_000},
                        code="too_many_pixels",
                    )
                probe.verify()
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("The image is too large to process safely."), code="decompression_bomb"
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("This file is not an image we can read. Please upload a PNG, JPEG or WebP image."),
            code="not_an_image",
        ) from None

    if longest_side and max(image.size) > longest_side:
        image.thumbnail((longest_side, longest_side))
    return _encode(image, image_format)


def smaller_copy(source, longest_side):
    """A copy of an image this site stored (checked and re-encoded on upload), at most
    `longest_side` pixels on its longest side, in the same format: an upload with a generated
    name. `source` is an open file."""
    with Image.open(source) as image:
        image.load()
        image_format = image.format if image.format in ALLOWED_FORMATS else "PNG"
        image.thumbnail((longest_side, longest_side))
        return _encode(image, image_format)


def _encode(image, image_format):
    out = io.BytesIO()
    if image_format == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
        content_type = "image/jpeg"
    elif image_format == "WEBP":
        image.save(out, "WEBP", quality=88)
        content_type = "image/webp"
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
        content_type = "image/png"
    # A generated name: nothing of the uploader's file name reaches the disk.
    name = f"{uuid.uuid4().hex}.{ALLOWED_FORMATS[image_format]}"
    return SimpleUploadedFile(name, out.getvalue(), content_type=content_type)


# ---------------------------------------------------------------------------------------------
# Attachments
# ---------------------------------------------------------------------------------------------

ATTACHMENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024

# What the first bytes of each kind of file must be. A renamed executable or HTML page is
# refused whatever its extension says.
PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"  # OOXML (docx, xlsx, pptx) and ODF (odt)
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy Office (doc, xls, ppt)
ATTACHMENT_MAGIC = {
    "pdf": PDF_MAGIC,
    "doc": OLE_MAGIC,
    "xls": OLE_MAGIC,
    "ppt": OLE_MAGIC,
    "docx": ZIP_MAGIC,
    "xlsx": ZIP_MAGIC,
    "pptx": ZIP_MAGIC,
    "odt": ZIP_MAGIC,
}


def inspect_attachment(upload):
    """Check an uploaded file's size and first bytes; return its content type.

    Raises ValidationError with a message for the person uploading.
    """
    size = upload.size
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("The file is %(size)s MB; attachments can be at most 20 MB."),
            code="too_large",
            params={"size": f"{size / 1024 / 1024:.1f}"},
        )
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in ATTACHMENT_TYPES:
        raise ValidationError(
            _("Attach a PDF or an office document (%(kinds)s)."),
            code="extension",
            params={"kinds": ", ".join(sorted(ATTACHMENT_TYPES))},
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(ATTACHMENT_MAGIC[extension]):
        raise ValidationError(
            _("This file is not a real .%(extension)s document; its content does not match."),
            code="content_type",
            params={"extension": extension},
        )
    return ATTACHMENT_TYPES[extension]


def strip_pdf_metadata(upload):
    """Return a copy of an uploaded PDF without its document information or XMP metadata.

    The author, the software and the machine it came from are about the person who drafted it,
    and would be published with the statement. Raises ValidationError for a PDF that cannot be
    rewritten (a password-protected or damaged one): it is refused rather than published as is.
    """
    # Imported here: pypdf brings cryptography, about 25 MB in every web worker that never
    # sees an upload (make bench measures a worker's memory).
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError

    upload.seek(0)
    try:
        reader = PdfReader(io.BytesIO(upload.read()))
        if reader.is_encrypted:
            raise PyPdfError("encrypted")
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None
        writer.xmp_metadata = None
        out = io.BytesIO()
        writer.write(out)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        raise ValidationError(
            _(
                "This PDF cannot be cleaned of its author details (it is protected by a password "
                "or damaged). Save it again as a PDF without a password and upload that."
            ),
            code="pdf_unreadable",
        ) from None
    finally:
        upload.seek(0)
    name = f"{uuid.uuid4().hex}.pdf"
    return SimpleUploadedFile(name, out.getvalue(), content_type=ATTACHMENT_TYPES["pdf"])


# ---------------------------------------------------------------------------------------------
# Storage names
# ---------------------------------------------------------------------------------------------


@deconstructible
class RandomName:
    """upload_to that stores files under a random name in `folder`, keeping a safe extension."""

    def __init__(self, folder):
        self.folder = folder

    def __call__(self, instance, filename):
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if not extension.isalnum() or len(extension) > 5:
            extension = "bin"
        return f"{self.folder}/{uuid.uuid4().hex}.{extension}"

    def __eq__(self, other):
        return isinstance(other, RandomName) and other.folder == self.folder
