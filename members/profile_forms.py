"""The forms of the members' area for an organization: its public profile, and the handover of
the contact role. The plain-text and logo checks are the join form's (members/join_forms.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from icnk.validators import validate_sendable_email
from members.join_forms import check_logo, check_plain_text

DESCRIPTION_HELP = _("At most 2,000 characters, plain text.")


class ProfileForm(forms.Form):
    """What the contact may change. Only these fields are read from the request."""

    description_en = forms.CharField(
        label=_("Description in English"),
        required=False,
        max_length=2000,
        help_text=DESCRIPTION_HELP,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    description_ko = forms.CharField(
        label=_("Description in Korean"),
        required=False,
        max_length=2000,
        help_text=DESCRIPTION_HELP,
        widget=forms.Textarea(attrs={"rows": 5, "lang": "ko"}),
    )
    description_ja = forms.CharField(
        label=_("Description in Japanese"),
        required=False,
        max_length=2000,
        help_text=DESCRIPTION_HELP,
        widget=forms.Textarea(attrs={"rows": 5, "lang": "ja"}),
    )
    website = forms.URLField(
        label=_("Website"),
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text=_("The full address, for example https://example.org."),
    )
    local_name = forms.CharField(
        label=_("Name in its own language or script"),
        required=False,
        max_length=200,
        help_text=_("For example in Korean or Japanese."),
    )
    logo = forms.FileField(
        label=_("New logo"),
        required=False,
        help_text=_(
            "Optional. PNG, JPEG or WebP, at most 2 MB and 2000×2000 pixels. Leave empty to keep "
            "the current one."
        ),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )

    def clean_logo(self):
        return check_logo(self.cleaned_data.get("logo"))

    def clean_website(self):
        website = self.cleaned_data.get("website") or ""
        if website and not website.lower().startswith(("https://", "http://")):
            raise forms.ValidationError(
                _("Please give an address that starts with https:// or http://."), code="scheme"
            )
        return website

    def clean(self):
        cleaned = super().clean()
        check_plain_text(self, cleaned)
        return cleaned


class HandoverForm(forms.Form):
    name = forms.CharField(label=_("New contact person's name"), max_length=200)
    email = forms.EmailField(
        label=_("New contact person's email"),
        max_length=254,
        help_text=_("We send them a link to confirm. Nothing changes until they do."),
        validators=[validate_sendable_email],
    )

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        current = (self.organization.contact_email if self.organization else "") or ""
        if email == current.strip().lower():
            raise forms.ValidationError(
                _("This is already your organization's contact address."), code="same"
            )
        return email

    def clean(self):
        cleaned = super().clean()
        check_plain_text(self, cleaned)
        return cleaned
