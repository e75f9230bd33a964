from django import forms
from django.core.files.uploadedfile import UploadedFile

from icnk.images import clean_image
from members.models import Organization

LOGO_LONGEST_SIDE = 600


class OrganizationAdminForm(forms.ModelForm):
    """The admin's organization form: an uploaded logo is checked and re-encoded before saving."""

    class Meta:
        model = Organization
        fields = [
            "name",
            "local_name",
            "acronym",
            "slug",
            "country",
            "kind",
            "website",
            "logo",
            "description_en",
            "description_ko",
            "description_ja",
            "member_since",
            "founding_member",
            "status",
            "left_on",
            "listing",
            "contact_name",
            "contact_email",
            "contact_phone",
            "private_notes",
        ]

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        # Only a new upload needs cleaning; an unchanged logo is the stored, cleaned file.
        if isinstance(logo, UploadedFile):
            return clean_image(logo, longest_side=LOGO_LONGEST_SIDE)
        return logo
