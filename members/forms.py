from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from icnk.uploads import LOGO_MAX_SIDE, clean_image
from members.models import (
    NAMED_VISIBILITIES,
    ORGANIZATION_FIELDS,
    Organization,
    Supporter,
    Visibility,
    consent_covers,
)

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


class SupporterAdminForm(forms.ModelForm):
    """The admin's supporter form: a named level needs the person's recorded consent to it."""

    class Meta:
        model = Supporter
        fields = [
            "full_name",
            "display_name",
            "affiliation",
            "affiliation_ko",
            "affiliation_ja",
            "country",
            "visibility",
            "consent_visibility",
            "consent_date",
            "consent_means",
            "status",
            "member_since",
            "left_on",
            "email",
            "phone",
            "private_notes",
        ]

    def clean(self):
        cleaned = super().clean()
        visibility = cleaned.get("visibility")
        if visibility not in NAMED_VISIBILITIES:
            return cleaned
        consented = cleaned.get("consent_visibility", self.instance.consent_visibility)
        has_date = cleaned.get("consent_date", self.instance.consent_date)
        if not has_date or not consent_covers(consented, visibility):
            self.add_error(
                "visibility",
                forms.ValidationError(
                    _(
                        "“%(level)s” names this person in public, and there is no recorded "
                        "consent for it. Record the level they agreed to and when (under "
                        "“consent given for” and “consent given on”), or choose counted only "
                        "or hidden."
                    ),
                    code="no_consent",
                    params={"level": Visibility(visibility).label},
                ),
            )
        return cleaned
