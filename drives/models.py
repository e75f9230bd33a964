"""Sign-on drives: the secretariat asks members to sign a draft; each answer is kept.

A drive hangs on the original of a draft statement and covers all its language versions (they
share a translation key). Each invited member gets one Invitation with a personal link; every
answer it gives is a new Answer row, so the record shows who said what to which text and when.
The latest answer counts.
"""

import datetime
import hashlib

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from members.models import MemberStatus, Organization, Supporter, Visibility
from statements.models import Statement


class DriveQuerySet(models.QuerySet):
    def in_progress(self):
        return self.exclude(state=Drive.State.CLOSED).filter(deadline__gt=timezone.now())


class Drive(models.Model):
    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("sign-on drive", "Open")
        CLOSED = "closed", _("Closed")
        RELEASED = "released", _("Released")

    statement = models.ForeignKey(
        Statement,
        verbose_name=_("statement"),
        on_delete=models.PROTECT,
        related_name="drives",
        help_text=_("The draft to sign (its original language version; all versions count)."),
    )
    deadline = models.DateTimeField(
        _("deadline"), help_text=_("In the coalition's time zone. Answers close then.")
    )
    grace_days = models.PositiveSmallIntegerField(
        _("grace period (days)"),
        default=7,
        help_text=_("Links still open (to read the answer) this many days after the deadline."),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder (days before the deadline)"),
        default=3,
        help_text=_("Members who have not answered are reminded once, this many days before."),
    )
    note = models.TextField(
        _("note to members"), blank=True, help_text=_("Shown in the invitation and on the page.")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    is_demo = models.BooleanField(_("demo"), default=False, editable=False)
    released_at = models.DateTimeField(_("released"), null=True, blank=True, editable=False)
    released_version = models.CharField(
        _("released text version"), max_length=64, blank=True, editable=False
    )
    release_override_reason = models.TextField(
        _("why outdated answers count"),
        blank=True,
        help_text=_(
            "Filled in only to count signatures given on an earlier version of the text at "
            "release: say why the change was not material."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)

    objects = DriveQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sign-on drive")
        verbose_name_plural = _("sign-on drives")
        ordering = ["-created_at"]

    def __str__(self):
        return str(self.statement)

    @property
    def closes_at(self):
        """When links stop working altogether: the deadline plus the grace period."""
        return self.deadline + datetime.timedelta(days=self.grace_days)

    @property
    def remind_at(self):
        return self.deadline - datetime.timedelta(days=self.reminder_days)

    @property
    def accepts_answers(self):
        return self.state != self.State.CLOSED and timezone.now() < self.deadline


class InvitationQuerySet(models.QuerySet):
    def with_latest_answer(self):
        """Each invitation with its latest answer's choice, time and text version."""
        latest = Answer.objects.filter(invitation=OuterRef("pk")).order_by("-answered_at", "-pk")
        return self.annotate(
            latest_choice=Subquery(latest.values("choice")[:1]),
            latest_answered_at=Subquery(latest.values("answered_at")[:1]),
            latest_version=Subquery(latest.values("text_version")[:1]),
        )

    def not_taken_down(self):
        return self.filter(Q(supporter__isnull=True) | Q(supporter__taken_down_at__isnull=True))

    def signable(self):
        """Invitations whose member may still sign (see `Invitation.member_may_sign`)."""
        return self.filter(
            Q(organization__status=MemberStatus.ACTIVE)
            | Q(
                supporter__status=MemberStatus.ACTIVE,
                supporter__taken_down_at__isnull=True,
                supporter__personal_data_erased_at__isnull=True,
            )
        )


class Invitation(models.Model):
    drive = models.ForeignKey(
        Drive, verbose_name=_("drive"), on_delete=models.CASCADE, related_name="invitations"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    supporter = models.ForeignKey(
        Supporter,
        verbose_name=_("individual supporter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    # The link's token is derived from the secret key and this nonce (drives/tokens.py); only
    # its hash is stored, so the database alone gives no working link.
    nonce = models.CharField(max_length=32, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    sent_at = models.DateTimeField(_("invitation sent"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    reconfirm_asked_at = models.DateTimeField(_("asked to re-confirm"), null=True, blank=True)
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["drive", "organization__name", "supporter__full_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(organization__isnull=False, supporter__isnull=True)
                    | Q(organization__isnull=True, supporter__isnull=False)
                ),
                name="invitation_one_member",
            ),
            models.UniqueConstraint(
                fields=["drive", "organization"],
                condition=Q(organization__isnull=False),
                name="invitation_org_once",
            ),
            models.UniqueConstraint(
                fields=["drive", "supporter"],
                condition=Q(supporter__isnull=False),
                name="invitation_supporter_once",
            ),
        ]

    def __str__(self):
        return str(self.member)

    @property
    def member(self):
        return self.organization or self.supporter

    @property
    def member_may_sign(self):
        """An active organization, or an active person neither taken down nor erased (as
        `Supporter.objects.signable()`): one that left, was suspended or erased after being
        invited keeps no working link and is never released onto the statement."""
        if self.organization_id:
            return self.organization.status == MemberStatus.ACTIVE
        person = self.supporter
        return (
            person.status == MemberStatus.ACTIVE
            and person.taken_down_at is None
            and person.personal_data_erased_at is None
        )

    @property
    def email(self):
        return self.organization.contact_email if self.organization_id else self.supporter.email

    def link(self, token):
        with translation.override(self.language):
            return reverse("drives:sign", kwargs={"token": token})


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


class Answer(models.Model):
    class Choice(models.TextChoices):
        SIGNED = "signed", _("Signed")
        DECLINED = "declined", _("Declined")

    invitation = models.ForeignKey(
        Invitation, verbose_name=_("invitation"), on_delete=models.CASCADE, related_name="answers"
    )
    choice = models.CharField(_("answer"), max_length=10, choices=Choice.choices)
    sign_as = models.CharField(_("signs as"), max_length=250, blank=True)
    visibility = models.CharField(
        _("visibility on this statement"), max_length=15, choices=Visibility.choices, blank=True
    )
    comment = models.TextField(_("comment to the secretariat"), max_length=2000, blank=True)
    text_version = models.CharField(_("text version"), max_length=64)
    answered_at = models.DateTimeField(_("answered"), default=timezone.now)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["-answered_at", "-pk"]
        indexes = [models.Index(fields=["invitation", "-answered_at"], name="answer_latest_idx")]

    def __str__(self):
        return f"{self.invitation}: {self.get_choice_display()}"
