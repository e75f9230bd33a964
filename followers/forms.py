from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

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
