"""The public forms for asking to join: one for organizations, one for individuals."""

import re

from django import forms
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from icnk.i18n import reading_order_key
from icnk.spreadsheets import looks_like_formula
from icnk.uploads import LOGO_MAX_SIDE, clean_image
from icnk.validators import validate_sendable_email
from members.models import JoinRequest, OrganizationKind, Visibility, initials

HONEYPOT_FIELD = "fax_number"
# The start of an HTML tag or comment: "<b", "</", "<!". A lone "<" as in "<3" is fine.
MARKUP = re.compile(r"<\s*[a-zA-Z/!?]")
# Fields where a leading "+" (a phone number) or such is normal; every other text field
# refuses a start that a spreadsheet would run as a formula.
FORMULA_ALLOWED = {"phone", "email", "website"}
# What an organization's request makes public once approved; the rest of the form never is.
ORGANIZATION_PUBLIC_FIELDS = [
    "name",
    "local_name",
    "country",
    "organization_kind",
    "website",
    "description",
    "logo",
]


def check_plain_text(form, cleaned):
    """Add an error to each text field that holds markup, or that starts as a spreadsheet
    formula would (but the fields in FORMULA_ALLOWED). Shared by every form a member fills in."""
    for name, value in list(cleaned.items()):
        if isinstance(value, str) and MARKUP.search(value):
            form.add_error(
                name,
                forms.ValidationError(
                    _("Please write plain text: HTML tags such as <script> are not allowed."),
                    code="markup",
                ),
            )
        elif name not in FORMULA_ALLOWED and looks_like_formula(value):
            # No name or description starts this way, and in the secretariat's
            # spreadsheet it would run as a formula.
            form.add_error(
                name,
                forms.ValidationError(
                    _("Please start with a letter or a digit, not with =, +, - or @."),
                    code="formula",
                ),
            )


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
        check_plain_text(self, cleaned)
        if self.data.get(HONEYPOT_FIELD):
            raise forms.ValidationError(
                _(
                    "This request could not be sent. Please check the form and try again; if "
                    "it keeps failing, write to the secretariat."
                ),
                code="honeypot",
            )
        return cleaned


def sort_countries(field):
    """Put the country select in the reader's alphabetical order (django-countries sorts by
    ASCII letters only, which leaves Korean and Japanese names in English order); an empty
    choice stays first."""
    choices = list(field.choices)
    empty = [choice for choice in choices if not choice[0]]
    named = [choice for choice in choices if choice[0]]
    field.choices = empty + sorted(named, key=lambda choice: reading_order_key(choice[1]))


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
            *ORGANIZATION_PUBLIC_FIELDS,
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
        sort_countries(self.fields["country"])

    def clean_logo(self):
        return check_logo(self.cleaned_data.get("logo"))


def check_logo(logo):
    """A logo as members upload it (joining, or editing their profile): checked by content,
    re-encoded and resized; ValidationError with a reader's message otherwise."""
    if not logo:
        return logo
    return clean_image(logo, max_side=LOGO_MAX_SIDE, longest_side=600)


class IndividualJoinForm(JoinFormBase):
    # How the person is shown is not asked here: they choose it on the confirmation page, after
    # proving the address is theirs, with what each choice publishes in front of them.
    class Meta:
        model = JoinRequest
        fields = ["name", "display_name", "affiliation", "country", "email"]
        labels = {
            "name": pgettext_lazy("person", "Full name"),
            "display_name": _("Name to show in public"),
            "affiliation": _("Title or affiliation"),
            "email": _("Email"),
        }
        help_texts = {
            "name": _("Seen only by the secretariat unless you choose to be listed."),
            "display_name": _("For example a pen name. Leave empty to use your full name."),
            "affiliation": _("For example: Professor of Law, Seoul National University."),
            "email": _("We send a confirmation link to this address. It is never published."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sort_countries(self.fields["country"])


FORMS = {
    JoinRequest.Kind.ORGANIZATION: OrganizationJoinForm,
    JoinRequest.Kind.INDIVIDUAL: IndividualJoinForm,
}


class ResendForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email"), max_length=254, validators=[validate_sendable_email]
    )


# ---------------------------------------------------------------------------------------------
# Consent, on the page the confirmation link opens
# ---------------------------------------------------------------------------------------------

# Changed whenever the wording below changes, so that a stored consent says which one was read.
CONSENT_WORDING_VERSION = "2026-11-30"

VISIBILITY_EXPLAINED = {
    Visibility.FULL_NAME: _(
        "Your full name is shown in our list of members and under the statements you sign, "
        "with your title or affiliation and your country, on our site, in its feeds and in "
        "its data for other sites."
    ),
    Visibility.DISPLAY_NAME: _(
        "The name you gave to show in public is shown instead of your full name, with your "
        "title or affiliation and your country, wherever a full name would be."
    ),
    Visibility.INITIALS: _(
        "Only the initials of your full name are shown, with your country; your title or "
        "affiliation is not."
    ),
    Visibility.COUNTED: _(
        "You are never named anywhere. You are included in the number of supporters we publish."
    ),
    Visibility.HIDDEN: _(
        "You are never named and not counted in public. Only the secretariat knows that you "
        "support the coalition."
    ),
}
CONSENT_INTRO_INDIVIDUAL = _(
    "Choose how you are shown if the secretariat welcomes you. You can ask for a more private "
    "choice at any time, and it applies at once."
)
CONSENT_INTRO_ORGANIZATION = _(
    "If the secretariat welcomes your organization, these details are published on our site, "
    "in its feeds and in its data for other sites. The contact person, email address and "
    "phone number are never published."
)


class ConsentForm(forms.Form):
    """An individual's choice of how they are shown; the most private choice comes first."""

    visibility = forms.ChoiceField(
        label=_("How you are shown"),
        widget=forms.RadioSelect,
        initial=Visibility.HIDDEN,
        error_messages={"required": _("Please choose how you are shown.")},
    )

    def __init__(self, *args, join_request, **kwargs):
        super().__init__(*args, **kwargs)
        self.join_request = join_request
        levels = list(Visibility)
        if not join_request.display_name:
            levels.remove(Visibility.DISPLAY_NAME)  # there is no display name to show
        self.fields["visibility"].choices = [(level.value, level.label) for level in levels]

    def options(self):
        """Each choice with what it publishes and what it would show, for the page."""
        preview = {
            Visibility.FULL_NAME: self.join_request.name,
            Visibility.DISPLAY_NAME: self.join_request.display_name,
            Visibility.INITIALS: initials(self.join_request.name),
        }
        by_value = {radio.data["value"]: radio for radio in self["visibility"]}
        return [
            {
                "radio": by_value[value],
                "explanation": VISIBILITY_EXPLAINED[value],
                "preview": preview.get(value, ""),
            }
            for value, _label in self.fields["visibility"].choices
        ]


def consent_wording(join_request, visibility=""):
    """The words the person agreed to, as shown to them, in the language of the page.

    Only our own wording: the person's data (their name, their organization's description) is
    in the request itself, and erased with it.
    """
    if join_request.kind == JoinRequest.Kind.ORGANIZATION:
        fields = JoinRequest._meta
        lines = [str(CONSENT_INTRO_ORGANIZATION)] + [
            f"- {fields.get_field(name).verbose_name}" for name in ORGANIZATION_PUBLIC_FIELDS
        ]
    else:
        level = Visibility(visibility)
        lines = [str(CONSENT_INTRO_INDIVIDUAL), f"{level.label}: {VISIBILITY_EXPLAINED[level]}"]
    header = f"[{CONSENT_WORDING_VERSION} {get_language()}]"
    return "\n".join([header, *lines])
