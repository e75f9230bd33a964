"""Followers: people who get each new statement by email, in their language.

A subscription is confirmed by email first (double opt-in) and ends with one click. An
announcement is made once per statement (its translation key) and holds one delivery per
subscriber: the unique pair is what makes each mail go exactly once (icnk/bulk.py sends them).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from icnk.bulk import BulkDelivery
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

    email = models.EmailField(_("email"), max_length=254)
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
