"""The public forms for asking to join: one for organizations, one for individuals."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from icnk.spreadsheets import looks_like_formula
from icnk.uploads import LOGO_MAX_SIDE, clean_image
from members.models import JoinRequest, OrganizationKind

HONEYPOT_FIELD = "fax_number"
# The start of an HTML tag or comment: "<b", "</", "<!". A lone "<" as in "<3" is fine.
MARKUP = re.compile(r"<\s*[a-zA-Z/!?]")
# Fields where a leading "+" (a phone number) or such is normal; every other text field
# refuses a start that a spreadsheet would run as a formula.
FORMULA_ALLOWED = {"phone", "email", "website"}


class JoinFormBase(forms.ModelForm):
    """Shared by both paths: the objectives, plain text only, and the honeypot.

    Only the fields listed in Meta.fields are read from the request, so extra posted fields
    such as `status` or `organization` are ignored.
    """

    accept_objectives = forms.BooleanField(
        label=_("I support the coalition's objectives set out above."),
        error_messages={"required": _("Please confirm that you support the objectives.")},
    )
    # Hidden from people by CSS; bots fill it in.
    fax_number = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_email(self):
        # Whether this address already applied is not checked here: the form must answer the
        # same for every address (services.join_request_submit tells only the address's owner).
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and MARKUP.search(value):
                self.add_error(
                    name,
                    forms.ValidationError(
                        _("Please write plain text: HTML tags such as <script> are not allowed."),
                        code="markup",
                    ),
                )
            elif name not in FORMULA_ALLOWED and looks_like_formula(value):
                # No name or description starts this way, and in the secretariat's
                # spreadsheet it would run as a formula.
                self.add_error(
                    name,
                    forms.ValidationError(
                        _("Please start with a letter or a digit, not with =, +, - or @."),
                        code="formula",
                    ),
                )
        if self.data.get(HONEYPOT_FIELD):
            raise forms.ValidationError(
                _(
                    "This request could not be sent. Please check the form and try again; if "
                    "it keeps failing, write to the secretariat."
                ),
                code="honeypot",
            )
        return cleaned


class OrganizationJoinForm(JoinFormBase):
    # A plain file field: the image is checked by clean_image, with messages a person
    # understands, rather than by ImageField's single "not a valid image".
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("Optional. PNG, JPEG or WebP, at most 2 MB and 2000×2000 pixels."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )

    class Meta:
        model = JoinRequest
        fields = [
            "name",
            "local_name",
            "country",
            "organization_kind",
            "website",
            "description",
            "logo",
            "contact_name",
            "contact_role",
            "email",
            "phone",
            "support_statement",
        ]
        labels = {
            "name": _("Name of the organization"),
            "local_name": _("Name in its own language or script"),
            "organization_kind": _("Kind of organization"),
            "description": _("Short description"),
            "contact_name": _("Contact person"),
            "contact_role": _("Contact person's role"),
            "email": _("Contact email"),
            "phone": _("Phone"),
            "support_statement": _("How will your organization support the objectives?"),
        }
        help_texts = {
            "name": "",
            "country": _("Leave empty for an international organization."),
            "email": _("We send a confirmation link to this address."),
            "description": _("At most 2,000 characters. Shown on our site if we welcome you."),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "support_statement": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accept_objectives"].label = _(
            "Our organization supports the coalition's objectives set out above."
        )
        for name in ("organization_kind", "contact_name", "support_statement"):
            self.fields[name].required = True
        self.fields["organization_kind"].choices = [("", "—")] + list(OrganizationKind.choices)
        self.fields["country"].choices = [("", _("International (no single country)"))] + [
            choice for choice in self.fields["country"].choices if choice[0]
        ]

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not logo:
            return logo
        return clean_image(logo, max_side=LOGO_MAX_SIDE, longest_side=600)


class IndividualJoinForm(JoinFormBase):
    class Meta:
        model = JoinRequest
        fields = ["name", "display_name", "affiliation", "country", "email", "wants_listing"]
        labels = {
            "name": pgettext_lazy("person", "Full name"),
            "display_name": _("Name to show in public"),
            "affiliation": _("Title or affiliation"),
            "email": _("Email"),
            "wants_listing": _("List my name publicly as a supporter"),
        }
        help_texts = {
            "name": _("Seen only by the secretariat unless you choose to be listed."),
            "display_name": _("For example a pen name. Leave empty to use your full name."),
            "affiliation": _("For example: Professor of Law, Seoul National University."),
            "email": _("We send a confirmation link to this address. It is never published."),
            "wants_listing": _(
                "If you leave this unticked, you are counted as a supporter but never named. "
                "You can change your mind at any time by writing to the secretariat."
            ),
        }


FORMS = {
    JoinRequest.Kind.ORGANIZATION: OrganizationJoinForm,
    JoinRequest.Kind.INDIVIDUAL: IndividualJoinForm,
}


class ResendForm(forms.Form):
    email = forms.EmailField(label=_("Your email"), max_length=254)
