"""Followers: people who get each new statement by email, in their language.

A subscription is confirmed by email first (double opt-in) and ends with one click. An
announcement is made once per statement (its translation key) and holds one delivery per
subscriber: the unique pair is what makes each mail go exactly once (icnk/bulk.py sends them).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from icnk.bulk import BulkDelivery
from icnk.validators import validate_sendable_email
from statements.models import Campaign


def new_token():
    return secrets.token_urlsafe(24)


class SubscriberQuerySet(models.QuerySet):
    def receiving(self):
        """Confirmed and not stopped: who is sent new statements."""
        return self.filter(status=Subscriber.Status.ACTIVE)


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        ACTIVE = "active", _("Subscribed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        BOUNCED = "bounced", _("Stopped: mail refused")

    email = models.EmailField(_("email"), max_length=254, validators=[validate_sendable_email])
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        # Someone who asked for one campaign only must not start getting everything.
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: every statement."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    # The unsubscribe link's secret: random, so that it names nobody and can be replaced.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    requested_at = models.DateTimeField(_("last asked"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    bounces = models.PositiveSmallIntegerField(_("refusals"), default=0)
    last_refusal = models.CharField(_("last refusal"), max_length=500, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["email"], condition=Q(campaign=None), name="subscriber_one_for_all"
            ),
            models.UniqueConstraint(
                fields=["email", "campaign"],
                condition=Q(campaign__isnull=False),
                name="subscriber_one_per_campaign",
            ),
        ]
        indexes = [models.Index(fields=["status", "requested_at"], name="subscriber_status_idx")]

    def __str__(self):
        return self.email

    def unsubscribe_url(self):
        with translation.override(self.language):
            return reverse("followers:unsubscribe", kwargs={"token": self.token})


class Announcement(models.Model):
    """A statement announced to subscribers: one per statement, whichever version was public
    first, and whichever button made it public."""

    translation_key = models.UUIDField(_("statement"), unique=True)
    title = models.CharField(_("title"), max_length=300)
    created_at = models.DateTimeField(_("announced"), auto_now_add=True)
    # Deliveries are written in batches of subscribers, in order: the last one written, so that
    # a worker stopped midway resumes there.
    cursor = models.BigIntegerField(default=0, editable=False)
    prepared_at = models.DateTimeField(_("recipients listed"), null=True, blank=True)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class Delivery(BulkDelivery):
    announcement = models.ForeignKey(
        Announcement, verbose_name=_("announcement"), on_delete=models.CASCADE,
        related_name="deliveries",
    )  # fmt: skip
    translation_key = models.UUIDField(_("statement"))
    subscriber = models.ForeignKey(
        Subscriber, verbose_name=_("subscriber"), on_delete=models.CASCADE,
        related_name="deliveries",
    )  # fmt: skip
    language = models.CharField(_("language sent"), max_length=2, blank=True)

    BULK_RELATED = ("subscriber",)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["translation_key", "subscriber"], name="delivery_once_per_subscriber"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx"),
            models.Index(fields=["sent_at"], name="delivery_sent_idx"),
        ]

    def __str__(self):
        return f"{self.announcement_id} → {self.subscriber_id}"

    def build_message(self, memo):
        from followers.mail import announcement_message

        return announcement_message(self, memo)

    def refused(self, *, permanent, error):
        from followers.services import subscriber_refused

        subscriber_refused(subscriber_id=self.subscriber_id, permanent=permanent, error=error)


# ---------------------------------------------------------------------------------------------
# The press list: journalists, who get embargoed releases before publication
# ---------------------------------------------------------------------------------------------

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


class JournalistQuerySet(models.QuerySet):
    def on_list(self):
        """On the press list and reachable: active, and not stopped by refused mail."""
        return self.filter(status=Journalist.Status.ACTIVE, bounces__lt=settings.MAIL_BOUNCE_LIMIT)

    def reading(self, code):
        """Those who read `code` (one of settings.LANGUAGES)."""
        return self.filter(languages__contains=code)

    def covering(self, campaign):
        """Those whose beats include `campaign`, or who have no beat (every campaign)."""
        if campaign is None:
            return self.all()
        return self.filter(Q(beats=None) | Q(beats=campaign)).distinct()


class Journalist(models.Model):
    """A journalist on the press list: a follower with press privileges.

    Languages are stored comma-joined, in the journalist's order of preference ("ko,en").
    Beats are campaigns; none means every campaign.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Asked, email not confirmed")
        CONFIRMED = "confirmed", _("Email confirmed, awaiting approval")
        ACTIVE = "active", _("On the press list")
        DECLINED = "declined", _("Declined")
        LEFT = "left", _("Left the list")

    class Source(models.TextChoices):
        FORM = "form", _("Public form")
        STAFF = "staff", _("Added by staff")

    name = models.CharField(_("name"), max_length=200)
    outlet = models.CharField(_("outlet"), max_length=200)
    email = models.EmailField(_("email"), max_length=254, validators=[validate_sendable_email])
    languages = models.CharField(
        _("languages"),
        max_length=20,
        default="en",
        help_text=_("The languages they read, in order of preference."),
    )
    beats = models.ManyToManyField(
        Campaign,
        verbose_name=_("beats"),
        blank=True,
        related_name="+",
        help_text=_("Empty: every campaign."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED
    )
    source = models.CharField(
        _("added through"), max_length=10, choices=Source.choices, default=Source.FORM
    )
    # The leave link's secret: random, so that it names nobody and can be replaced.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    consent_text = models.TextField(
        _("wording agreed to"),
        blank=True,
        help_text=_("What the journalist read when they agreed, as it was shown."),
    )
    consent_means = models.CharField(
        _("consent given by"),
        max_length=200,
        blank=True,
        help_text=_("How the journalist agreed, for example “email of 10 January 2026”."),
    )
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked or added"), auto_now_add=True)
    requested_at = models.DateTimeField(_("last asked"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("email confirmed"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved or added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    bounces = models.PositiveSmallIntegerField(_("refusals"), default=0)
    last_refusal = models.CharField(_("last refusal"), max_length=500, blank=True)
    note = models.TextField(_("private note"), blank=True, help_text=_("Staff only."))

    objects = JournalistQuerySet.as_manager()
    # Who changed what, as for members; erased with the journalist (followers/personal_data.py).
    history = HistoricalRecords(excluded_fields=["token", "bounces", "last_refusal"])

    class Meta:
        verbose_name = _("journalist")
        verbose_name_plural = _("journalists")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="journalist_email_unique_ci"),
        ]
        indexes = [models.Index(fields=["status", "requested_at"], name="journalist_status_idx")]

    def __str__(self):
        return f"{self.name} ({self.outlet})" if self.outlet else self.name

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    @property
    def is_on_list(self):
        """As `Journalist.objects.on_list()` for one journalist: active, and their address not
        stopped by refused mail."""
        return self.status == self.Status.ACTIVE and self.bounces < settings.MAIL_BOUNCE_LIMIT

    def language_list(self):
        codes = [c for c in (self.languages or "").split(",") if c in LANGUAGE_CODES]
        return codes or ["en"]

    def set_languages(self, codes):
        """Store `codes` in the given order, known languages only, each once."""
        seen = []
        for code in codes:
            if code in LANGUAGE_CODES and code not in seen:
                seen.append(code)
        self.languages = ",".join(seen or ["en"])

    def preferred_language(self):
        return self.language_list()[0]

    def reads(self, code):
        return code in self.language_list()

    def leave_url(self):
        """The path of the page that takes them off the list in one click (relative)."""
        with translation.override(self.preferred_language()):
            return reverse("press:leave", kwargs={"token": self.token})


# ---------------------------------------------------------------------------------------------
# Embargoed releases: a scheduled statement sent to journalists before it is public
# ---------------------------------------------------------------------------------------------


class PressRelease(models.Model):
    """A statement released to the press under embargo.

    The embargo time is the statement's publication time (it is public exactly then, by the
    scheduled-publication rules every public page already follows); this record says that it
    was released, by whom, and under which time. One per statement and embargo time: releasing
    again under the same time adds only journalists who did not have it; after the statement
    was rescheduled, a release under the new time is a new message to each.
    """

    statement = models.ForeignKey(
        "statements.Statement",
        verbose_name=_("statement"),
        on_delete=models.CASCADE,
        related_name="press_releases",
        help_text=_("The language version it was released from."),
    )
    translation_key = models.UUIDField(_("translation key"), db_index=True)
    title = models.CharField(_("title"), max_length=300)
    embargo_until = models.DateTimeField(_("embargoed until"))
    released_at = models.DateTimeField(_("released"), default=timezone.now)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("released by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("press release under embargo")
        verbose_name_plural = _("press releases under embargo")
        ordering = ["-released_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["translation_key", "embargo_until"], name="press_release_once_per_time"
            )
        ]

    def __str__(self):
        return self.title


class PressDelivery(BulkDelivery):
    """One embargoed release to one journalist: the unique pair is what makes it go once."""

    release = models.ForeignKey(
        PressRelease, verbose_name=_("press release under embargo"), on_delete=models.CASCADE,
        related_name="deliveries",
    )  # fmt: skip
    journalist = models.ForeignKey(
        Journalist, verbose_name=_("journalist"), on_delete=models.CASCADE,
        related_name="press_deliveries",
    )  # fmt: skip
    language = models.CharField(_("language sent"), max_length=2, blank=True)
    # The title of the version sent, as it was then: a notice about the release names it so,
    # whatever the draft is called since.
    title = models.CharField(_("title sent"), max_length=300, blank=True)

    BULK_RELATED = ("journalist", "release")

    class Meta:
        verbose_name = _("press delivery")
        verbose_name_plural = _("press deliveries")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "journalist"], name="press_delivery_once_per_journalist"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="press_delivery_due_idx"),
            models.Index(fields=["sent_at"], name="press_delivery_sent_idx"),
        ]

    def __str__(self):
        return f"{self.release_id} → {self.journalist_id}"

    def build_message(self, memo):
        from followers.embargo import press_message

        return press_message(self, memo)

    def refused(self, *, permanent, error):
        from followers.press import journalist_refused

        journalist_refused(journalist_id=self.journalist_id, permanent=permanent, error=error)


class PressNotice(BulkDelivery):
    """A word to a journalist who has a release, when the embargo they were given stops holding:
    the statement was rescheduled (the new time), withdrawn (do not publish it) or published
    before its time (the embargo is lifted). Written by `followers.embargo.embargo_changed`, at
    most one waiting per journalist and statement; what it says is decided when it is sent
    (`notice_message`), from the statement as it is then, and written back into `kind` and
    `embargo_until`. Sent by icnk/bulk.py exactly once."""

    class Kind(models.TextChoices):
        MOVED = "moved", pgettext_lazy("press notice", "New embargo time")
        WITHDRAWN = "withdrawn", pgettext_lazy("press notice", "Withdrawn")
        LIFTED = "lifted", pgettext_lazy("press notice", "Embargo lifted early")

    delivery = models.ForeignKey(
        PressDelivery, verbose_name=_("release received"), on_delete=models.CASCADE,
        related_name="notices",
    )  # fmt: skip
    kind = models.CharField(_("what changed"), max_length=10, choices=Kind.choices)
    embargo_until = models.DateTimeField(
        _("new embargo time"), null=True, blank=True, help_text=_("For a new embargo time only.")
    )

    BULK_RELATED = ("delivery__journalist", "delivery__release")

    class Meta:
        verbose_name = _("press notice")
        verbose_name_plural = _("press notices")
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="press_notice_due_idx"),
            models.Index(fields=["sent_at"], name="press_notice_sent_idx"),
        ]

    def __str__(self):
        return f"{self.delivery_id}: {self.kind}"

    def told(self):
        """What the journalist knows after this notice (once sent): ("moved", the new time),
        or (the kind, None)."""
        return (self.kind, self.embargo_until if self.kind == self.Kind.MOVED else None)

    def build_message(self, memo):
        from followers.embargo import notice_message

        return notice_message(self, memo)

    def refused(self, *, permanent, error):
        from followers.press import journalist_refused

        journalist_refused(
            journalist_id=self.delivery.journalist_id, permanent=permanent, error=error
        )
