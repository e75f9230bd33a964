from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from icnk.validators import validate_sendable_email
from statements.models import Campaign

LANGUAGE_NAMES = {"en": "English", "ko": "한국어", "ja": "日本語"}


def public_campaigns():
    return list(Campaign.objects.public().only("slug", *Campaign.title.field_names()))


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address such as name@example.org."),
        },
        validators=[validate_sendable_email],
    )
    language = forms.ChoiceField(
        label=_("Language of the mail"),
        # Each language in its own name, as the language switcher writes them.
        choices=[(code, LANGUAGE_NAMES.get(code, name)) for code, name in settings.LANGUAGES],
    )
    campaign = forms.ChoiceField(label=_("Statements about"), required=False)

    def __init__(self, *args, campaigns=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaigns = {
            c.slug: c for c in (public_campaigns() if campaigns is None else campaigns)
        }
        self.fields["campaign"].choices = [("", _("Every statement"))] + [
            (slug, c.title) for slug, c in self.campaigns.items()
        ]

    def clean_campaign(self):
        return self.campaigns.get(self.cleaned_data.get("campaign") or "")


class PressJoinForm(forms.Form):
    """A journalist asks to be on the press list."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Enter your name.")},
    )
    outlet = forms.CharField(
        label=_("Outlet"),
        max_length=200,
        help_text=_("The newspaper, broadcaster or publication you write for, or “freelance”."),
        error_messages={"required": _("Enter your outlet.")},
    )
    email = forms.EmailField(
        label=_("Your work email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address such as name@example.org."),
        },
        validators=[validate_sendable_email],
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you read"),
        choices=[(code, LANGUAGE_NAMES.get(code, name)) for code, name in settings.LANGUAGES],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("We send each release in the first of these that it exists in."),
        error_messages={
            "required": _("Choose at least one language."),
            "invalid_choice": _("Choose among the languages shown."),
        },
    )
    beats = forms.MultipleChoiceField(
        label=_("Campaigns you cover"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: releases about every campaign."),
        error_messages={"invalid_choice": _("Choose among the campaigns shown.")},
    )
    consent = forms.BooleanField(
        error_messages={"required": _("Tick the box to agree, or we cannot add you.")},
    )

    def __init__(self, *args, campaigns=None, **kwargs):
        from followers.press import CONSENT_WORDING

        super().__init__(*args, **kwargs)
        self.campaigns = {
            c.slug: c for c in (public_campaigns() if campaigns is None else campaigns)
        }
        self.fields["beats"].choices = [(slug, c.title) for slug, c in self.campaigns.items()]
        self.fields["consent"].label = CONSENT_WORDING

    def clean_beats(self):
        return [self.campaigns[slug] for slug in self.cleaned_data.get("beats") or []]

    def clean_languages(self):
        # In the order the reader ticked them is lost in a form post; the order of the list.
        return list(self.cleaned_data.get("languages") or [])
