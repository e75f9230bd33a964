from django import forms
from django.core.files.uploadedfile import UploadedFile

from icnk.uploads import clean_image
from statements.models import Statement

# Wide enough for a share preview (1200×630) on a sharp screen, small enough to load fast.
IMAGE_LONGEST_SIDE = 2000


class StatementAdminForm(forms.ModelForm):
    """The admin's statement form: an uploaded image is checked and re-encoded as logos are, so
    that no EXIF (a photo's GPS position, its author, the camera) is published with it."""

    class Meta:
        model = Statement
        fields = ["image", "image_alt"]  # the admin adds the fields of its fieldsets

    def clean_image(self):
        image = self.cleaned_data.get("image")
        # Only a new upload needs cleaning; an unchanged image is the stored, cleaned file.
        if isinstance(image, UploadedFile):
            return clean_image(image, longest_side=IMAGE_LONGEST_SIDE)
        return image
