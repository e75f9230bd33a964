from django import forms
from django.core.files.uploadedfile import UploadedFile

from icnk.uploads import LOGO_MAX_SIDE, clean_image
from members.models import ORGANIZATION_FIELDS, Organization

LOGO_LONGEST_SIDE = 600


class OrganizationAdminForm(forms.ModelForm):
    """The admin's organization form: an uploaded logo is checked and re-encoded before saving."""

    class Meta:
        model = Organization
        fields = ORGANIZATION_FIELDS

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        # Only a new upload needs cleaning; an unchanged logo is the stored, cleaned file.
        if isinstance(logo, UploadedFile):
            return clean_image(logo, max_side=LOGO_MAX_SIDE, longest_side=LOGO_LONGEST_SIDE)
        return logo
