from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image

from icnk.models import SiteSettings
from icnk.uploads import LOGO_MAX_SIDE, clean_image

# A share preview is shown at most 1200 px wide; twice that for sharp screens is plenty.
SHARE_IMAGE_LONGEST_SIDE = 2400
# The largest icon a browser or a phone asks for (a PWA's 512 px icon).
MARK_SIDE = 512
MARK_MIN_SIDE = 180  # an apple-touch-icon


class SiteSettingsAdminForm(forms.ModelForm):
    """The site settings' images are checked and re-encoded as logos are (icnk/uploads.py):
    no EXIF, nothing hidden after the image data, a random name."""

    class Meta:
        model = SiteSettings
        fields = ["share_image", "share_image_alt", "mark"]  # the admin adds its fieldsets'

    def clean_share_image(self):
        image = self.cleaned_data.get("share_image")
        # Only a new upload needs cleaning; an unchanged image is the stored, cleaned file.
        if isinstance(image, UploadedFile):
            return clean_image(image, longest_side=SHARE_IMAGE_LONGEST_SIDE)
        return image

    def clean_mark(self):
        mark = self.cleaned_data.get("mark")
        if not isinstance(mark, UploadedFile):
            return mark
        cleaned = clean_image(mark, max_side=LOGO_MAX_SIDE, longest_side=MARK_SIDE)
        with Image.open(cleaned) as image:
            width, height = image.size
        cleaned.seek(0)
        if width != height:
            raise ValidationError(
                _("The mark must be square; this image is %(w)s×%(h)s pixels.")
                % {"w": width, "h": height},
                code="not_square",
            )
        if width < MARK_MIN_SIDE:
            raise ValidationError(
                _("The mark is %(side)s pixels wide; at least %(min)s is needed for phones.")
                % {"side": width, "min": MARK_MIN_SIDE},
                code="too_small",
            )
        return cleaned
