from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Visibility


class AnswerForm(forms.Form):
    action = forms.ChoiceField(choices=[("sign", _("Sign")), ("decline", _("Decline"))])
    visibility = forms.ChoiceField(
        label=_("How your name appears on this statement"),
        required=False,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment to the secretariat (optional, never published)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, visibility_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visibility"].choices = [
            (level, Visibility(level).label) for level in visibility_choices
        ]
        if visibility_choices:
            # The most private level is preselected: a person chooses to be more visible.
            self.fields["visibility"].initial = visibility_choices[-1]
        else:
            del self.fields["visibility"]
