import copy

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from icnk.uploads import clean_image
from statements.models import LANGUAGE_CHOICES, Statement

# Wide enough for a share preview (1200×630) on a sharp screen, small enough to load fast.
IMAGE_LONGEST_SIDE = 2000

# The fields a translator writes anew, each shown beside the original's text.
TRANSLATED_FIELDS = ["title", "summary", "body", "dateline", "image_alt"]


class WithOriginal(forms.Widget):
    """A field of a translation with its original's text beside it, read-only.

    It wraps the admin's own widget (and hands it everything a form asks of a widget), so that
    the original stays in view while the translator types, field by field, whichever change
    form template renders it. The original is escaped like any value.
    """

    def __init__(self, widget, *, original, language):
        self.widget = widget
        self.original = original
        self.language = language
        super().__init__(attrs=widget.attrs)

    def __deepcopy__(self, memo):
        copied = copy.copy(self)
        copied.widget = copy.deepcopy(self.widget, memo)
        memo[id(self)] = copied
        return copied

    @property
    def is_hidden(self):
        return self.widget.is_hidden

    @property
    def needs_multipart_form(self):
        return self.widget.needs_multipart_form

    @property
    def media(self):
        return self.widget.media

    def value_from_datadict(self, data, files, name):
        return self.widget.value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data, files, name):
        return self.widget.value_omitted_from_data(data, files, name)

    def id_for_label(self, id_):
        return self.widget.id_for_label(id_)

    def use_required_attribute(self, initial):
        return self.widget.use_required_attribute(initial)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        original_id = f"{attrs.get('id') or 'id_' + name}_original"
        described = attrs.get("aria-describedby", "")
        attrs["aria-describedby"] = f"{original_id} {described}".strip()
        language = dict(LANGUAGE_CHOICES).get(self.language, self.language)
        return format_html(
            '<div class="with-original">'
            '<div class="with-original__original" id="{}">'
            '<span class="with-original__label">{}</span>'
            '<div class="with-original__text" lang="{}">{}</div></div>'
            '<div class="with-original__input">{}</div></div>',
            original_id,
            gettext("Original (%(language)s)") % {"language": language},
            self.language,
            self.original or "—",
            self.widget.render(name, value, attrs, renderer),
        )


# What a native date-time picker (<input type="datetime-local">) sends: ISO 8601, whatever the
# browser's locale shows. Nothing else is read, so "01/12/2026" can never be taken for a date.
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's own date-time picker, with the time zone it is read in beside it."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_LOCAL)

    def render(self, name, value, attrs=None, renderer=None):
        # The picker shows the date in the browser's own order (12/01/2026 in one, 01/12/2026
        # in another); the value is always ISO, and is repeated beside it in ISO
        # (static/js/live-preview.js keeps it current).
        shown = self.format_value(value) or ""
        return format_html(
            '{} <span class="datetime-zone"><output class="datetime-iso">{}</output> {}</span>',
            super().render(name, value, attrs, renderer),
            shown.replace("T", " "),
            timezone.get_current_timezone_name(),
        )


class IsoDateTimeField(forms.DateTimeField):
    """A date and time in ISO 8601 only, read in the current (the coalition's) time zone."""

    widget = DateTimeLocalInput
    default_error_messages = {
        "invalid": _(
            "Enter the date and time with the date picker, as year-month-day and hours:minutes "
            "(2026-12-01 09:00)."
        ),
    }

    def __init__(self, **kwargs):
        super().__init__(input_formats=[DATETIME_LOCAL, f"{DATETIME_LOCAL}:%S"], **kwargs)

    def to_python(self, value):
        # Django's DateTimeField also reads the active locale's formats ("01/12/2026" in
        # en-GB and en-US alike, day and month swapped): never here.
        if isinstance(value, str) and value.strip():
            try:
                return super().to_python(value)
            except forms.ValidationError:
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid"
                ) from None
        return super().to_python(value)


def schedule_time_errors(at):
    """Why `at` cannot be a scheduled time, or None."""
    if at <= timezone.now():
        return forms.ValidationError(
            _("Choose a time in the future: this one has passed."), code="past"
        )
    return None


class StatementAdminForm(forms.ModelForm):
    """The admin's statement form: an uploaded image is checked and re-encoded as logos are, so
    that no EXIF (a photo's GPS position, its author, the camera) is published with it.

    On a translation, each text field shows the original's text beside it (WithOriginal).

    The statement's state is not a field: saving never publishes. "Publish now", "Schedule…" and
    "Unpublish" save the text and then ask for confirmation (statements/admin.py).
    """

    schedule_at = IsoDateTimeField(
        label=_("Schedule for"),
        required=False,
        localize=False,
    )

    class Meta:
        model = Statement
        fields = ["image", "image_alt"]  # the admin adds the fields of its fieldsets

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.original = self._original()
        if self.original is not None:
            for name in TRANSLATED_FIELDS:
                field = self.fields.get(name)
                if field is not None and not isinstance(field.widget, WithOriginal):
                    field.widget = WithOriginal(
                        field.widget,
                        original=getattr(self.original, name),
                        language=self.original.language,
                    )
        if "body" in self.fields:
            self.fields["body"].help_text = render_to_string(
                "admin/statements/statement/_markdown_help.html"
            )
        if "schedule_at" in self.fields:
            zone = timezone.get_current_timezone_name()
            self.fields["schedule_at"].help_text = _(
                "%(zone)s time. Used only by “Schedule…”: saving does not publish."
            ) % {"zone": zone}
            instance = self.instance
            if instance.pk and instance.is_scheduled and not self.is_bound:
                self.initial["schedule_at"] = timezone.localtime(instance.published_at)

    def _original(self):
        """The original statement this form translates: the one chosen in the form (or given
        to the add form), else the instance's own."""
        if "translation_of" in self.fields:
            chosen = self["translation_of"].value()
            if chosen in (None, ""):
                return None
            try:
                return Statement.objects.filter(pk=int(chosen)).first()
            except (TypeError, ValueError):
                return None
        return self.instance.translation_of if self.instance.translation_of_id else None

    def clean_image(self):
        image = self.cleaned_data.get("image")
        # Only a new upload needs cleaning; an unchanged image is the stored, cleaned file.
        if isinstance(image, UploadedFile):
            return clean_image(image, longest_side=IMAGE_LONGEST_SIDE)
        return image

    def clean(self):
        cleaned = super().clean()
        original = cleaned.get("translation_of")
        language = cleaned.get("language")
        if original is not None and language:
            # The database allows one version per language; say so on the form, not with an
            # error page.
            taken = (
                Statement.objects.versions_of(original.source)
                .filter(language=language)
                .exclude(pk=self.instance.pk)
                .first()
            )
            if taken is not None:
                self.add_error(
                    "language",
                    forms.ValidationError(
                        _("This statement already has a version in %(language)s: “%(title)s”."),
                        code="language_taken",
                        params={"language": taken.get_language_display(), "title": taken.title},
                    ),
                )
        scheduling = "_schedule" in self.data and "schedule_at" in self.fields
        if scheduling and "schedule_at" not in self.errors:
            at = cleaned.get("schedule_at")
            if at is None:
                self.add_error(
                    "schedule_at",
                    forms.ValidationError(
                        _("Choose when the statement will be published."), code="required"
                    ),
                )
            elif error := schedule_time_errors(at):
                self.add_error("schedule_at", error)
        return cleaned
