from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from icnk import cache as page_cache
from icnk.i18n import Localized
from icnk.site_url import absolute_url
from icnk.timezones import time_zone_choices
from icnk.uploads import RandomName
from icnk.validators import validate_sendable_email


def _default_time_zone():
    return settings.TIME_ZONE


# Shipped with the product: what a page is shared with, and the browser's icons, until staff
# upload the coalition's own (static/img/).
DEFAULT_SHARE_IMAGE = ("img/share.png", 1200, 630)
DEFAULT_MARK = "img/icon-512.png"


class MembershipPeriod(models.TextChoices):
    """How the coalition counts a membership year (members/renewal.py applies it)."""

    ANNIVERSARY = "anniversary", _("A year from approval")
    CALENDAR = "calendar", _("Calendar years")


class SiteSettings(models.Model):
    """The coalition's own details: one record, edited by staff in the admin.

    Nothing about a particular coalition is written in templates; another coalition runs the
    product by editing this record.
    """

    CACHE_KEY = "site-settings:v3"

    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ko = models.CharField(_("name (Korean)"), max_length=200, blank=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200, blank=True)
    short_name = models.CharField(
        _("short name"), max_length=30, help_text=_("An acronym such as ICNK.")
    )
    mission_en = models.TextField(_("mission (English)"))
    mission_ko = models.TextField(_("mission (Korean)"), blank=True)
    mission_ja = models.TextField(_("mission (Japanese)"), blank=True)
    objectives_en = models.TextField(
        _("objectives (English)"),
        help_text=_("Shown on the About page. Blank lines separate paragraphs."),
    )
    objectives_ko = models.TextField(_("objectives (Korean)"), blank=True)
    objectives_ja = models.TextField(_("objectives (Japanese)"), blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    founded_in_en = models.CharField(_("founded in (English)"), max_length=100, blank=True)
    founded_in_ko = models.CharField(_("founded in (Korean)"), max_length=100, blank=True)
    founded_in_ja = models.CharField(_("founded in (Japanese)"), max_length=100, blank=True)
    contact_email = models.EmailField(
        _("public contact email"),
        help_text=_("The coalition's own address; the only email shown on public pages."),
        validators=[validate_sendable_email],
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        choices=time_zone_choices,
        default=_default_time_zone,
        help_text=_(
            "Where the secretariat works. Every time in the admin is shown and entered in "
            "this zone."
        ),
    )
    share_image = models.ImageField(
        _("share image"),
        upload_to=RandomName("site"),
        width_field="share_image_width",
        height_field="share_image_height",
        blank=True,
        help_text=_(
            "The picture a link to any page shows when it is shared in a chat or on social "
            "media, unless a statement has its own image. Best at 1200×630 pixels. Without one, "
            "the product's default picture is used."
        ),
    )
    share_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    share_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    share_image_alt = models.CharField(
        _("share image description (alt text)"),
        max_length=300,
        blank=True,
        help_text=_("What the picture shows, for people who cannot see it."),
    )
    mark = models.ImageField(
        _("mark"),
        upload_to=RandomName("site"),
        blank=True,
        help_text=_(
            "The coalition's square emblem: the icon in the browser tab and on a phone's home "
            "screen, the mark beside the name at the top of every page, and the publisher's "
            "logo for search engines. A square image, best a PNG of 512×512 pixels. Without one, "
            "the product's default mark is used."
        ),
    )
    membership_period = models.CharField(
        _("membership period"),
        max_length=12,
        choices=MembershipPeriod.choices,
        default=MembershipPeriod.ANNIVERSARY,
        help_text=_(
            "A year from approval: each member's year starts on the day it joined. Calendar "
            "years: every membership ends on 31 December (a member approved from October on "
            "runs to the end of the next year)."
        ),
    )
    grace_days = models.PositiveSmallIntegerField(
        _("grace period (days)"),
        default=30,
        help_text=_(
            "Days after the end of its period during which a member that has not renewed is "
            "still a member; after them it lapses."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    name = Localized("name")
    mission = Localized("mission")
    objectives = Localized("objectives")
    founded_in = Localized("founded_in")

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self):
        return self.name_en

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        """The record, from the cache when possible; an unsaved blank one before setup.

        Kept under the page cache's generation, which a save or delete of the record replaces,
        and again when the admin's transaction commits: a page read in the meantime, which
        still finds the old record, keeps it only under a generation that ends there."""
        key = f"{cls.CACHE_KEY}:{page_cache.known_state()['generation']}"
        settings_ = cache.get(key)
        if settings_ is None:
            settings_ = cls.objects.filter(pk=1).first()
            if settings_ is None:
                # Before `load_demo` or the first admin edit: show neutral defaults, not a crash.
                return cls(name_en="Coalition", short_name="", mission_en="", objectives_en="")
            cache.set(key, settings_, 60 * 60)
        return settings_

    @property
    def share(self):
        """The share image every page offers (absolute URL, width, height, alt text): the one
        staff uploaded, else the product's default. A statement with its own image uses that."""
        if self.share_image:
            url, width, height = (
                self.share_image.url,
                self.share_image_width,
                self.share_image_height,
            )
        else:
            path, width, height = DEFAULT_SHARE_IMAGE
            url = static(path)
        return {
            "url": _absolute(url),
            "width": width,
            "height": height,
            "alt": self.share_image_alt or self.name,
        }

    @property
    def mark_url(self):
        """The coalition's mark (a square PNG): the uploaded one, else the product's default."""
        return self.mark.url if self.mark else static(DEFAULT_MARK)

    @property
    def mark_absolute_url(self):
        return _absolute(self.mark_url)


def _absolute(url):
    """A media or static URL as an absolute one (an object store's URLs already are)."""
    return absolute_url(url) if url.startswith("/") else url


class OutboundEmailQuerySet(models.QuerySet):
    def needing_attention(self):
        """Messages that gave up, or failed at least once and wait to try again."""
        return self.filter(
            models.Q(status=OutboundEmail.Status.FAILED)
            | models.Q(status=OutboundEmail.Status.QUEUED, attempts__gt=0)
        )

    def visible_to(self, user):
        """Without the mail to people whose addresses `user` may not see (subscribers: only
        administrators see their list), registered with icnk.mail.seen_by."""
        from icnk.mail import PERMISSION_TO_SEE

        hidden = [
            template
            for template, permission in PERMISSION_TO_SEE.items()
            if not user.has_perm(permission)
        ]
        return self.exclude(template__in=hidden) if hidden else self


class OutboundEmail(models.Model):
    """A message the site has promised to send: the durable record behind the task queue.

    The row is written in the same transaction as whatever caused the mail (a join request,
    a decision), together with the task that delivers it, so a crash, a full mailbox or a mail
    server that is down loses nothing: the task retries with back-off until it is sent.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Gave up")

    to = models.EmailField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    # Extra headers for this message, such as a list's one-click unsubscribe (RFC 8058).
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    # The templates it was written from ("followers/email/confirm"): what kind of mail it is,
    # for who may see it on the desk and when it is erased. Blank on mail queued before.
    template = models.CharField(_("kind of mail"), max_length=100, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at"]
        permissions = [("retry_outboundemail", _("Can retry sending mail"))]
        indexes = [models.Index(fields=["status", "created_at"], name="outbound_status_idx")]

    def __str__(self):
        return f"{self.subject} → {self.to}"


class StaffInvitation(models.Model):
    """An administrator's invitation to join the secretariat as an editor or administrator.

    The emailed link holds a random token; only its SHA-256 is stored, so a copy of the
    database opens no account. A resend gives the row a new token (the old link stops working)
    and a new expiry; the row is the record of who invited whom, when, and what became of it.
    """

    class Role(models.TextChoices):
        EDITOR = "editor", _("Editor")
        ADMINISTRATOR = "administrator", _("Administrator")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    email = models.EmailField(_("email"), max_length=150, validators=[validate_sendable_email])
    role = models.CharField(
        _("staff role"), max_length=20, choices=Role.choices, default=Role.EDITOR
    )
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=[("en", "English"), ("ko", "한국어"), ("ja", "日本語")],
        default="en",
        help_text=_("The language of the invitation mail and of the page its link opens."),
    )
    invited_by = models.ForeignKey(
        "auth.User",
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("last sent at"), default=timezone.now)
    send_count = models.PositiveSmallIntegerField(_("times sent"), default=1)
    expires_at = models.DateTimeField(_("link expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    user = models.ForeignKey(
        "auth.User",
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The staff account created from this invitation."),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        verbose_name = _("staff invitation")
        verbose_name_plural = _("staff invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return self.email

    @property
    def state(self):
        if self.accepted_at is not None:
            return self.State.ACCEPTED
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.PENDING

    @property
    def is_pending(self):
        return self.state == self.State.PENDING
