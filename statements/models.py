import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from icnk.fasturls import slug_url
from icnk.i18n import Localized
from icnk.labels import choice_display
from icnk.uploads import ATTACHMENT_TYPES, RandomName, inspect_attachment, strip_pdf_metadata
from members.models import Organization, Supporter, Visibility

# A statement's text is at most this long: some twenty pages, far beyond a statement, and well
# within what a Korean or Japanese statement's search vector can hold (PostgreSQL keeps at most
# 1 MB of one, which 200,000 characters that never repeat a pair overflow: statements/search.py
# grams()).
BODY_MAX_LENGTH = 50_000

LANGUAGE_CHOICES = [("en", _("English")), ("ko", _("Korean")), ("ja", _("Japanese"))]


# ---------------------------------------------------------------------------------------------
# Campaigns
# ---------------------------------------------------------------------------------------------


class CampaignQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)

    def active(self):
        return self.public().filter(status=Campaign.Status.ACTIVE)

    def featured(self):
        """The campaign the site puts forward: the active one, else the most recent public one.

        A coalition whose campaign succeeded still wants readers to find it (ours is achieved).
        """
        return (
            self.public()
            .annotate(
                is_active=models.Case(
                    models.When(status=Campaign.Status.ACTIVE, then=models.Value(1)),
                    default=models.Value(0),
                    output_field=models.IntegerField(),
                )
            )
            .order_by("-is_active", "-started_on", "-pk")
            .first()
        )


class Campaign(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("campaign status", "Active")
        ACHIEVED = "achieved", _("Achieved")
        CLOSED = "closed", _("Closed")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_ko = models.CharField(_("title (Korean)"), max_length=200, blank=True)
    title_ja = models.CharField(_("title (Japanese)"), max_length=200, blank=True)
    goal_en = models.CharField(_("goal (English)"), max_length=300)
    goal_ko = models.CharField(_("goal (Korean)"), max_length=300, blank=True)
    goal_ja = models.CharField(_("goal (Japanese)"), max_length=300, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ko = models.TextField(_("description (Korean)"), blank=True)
    description_ja = models.TextField(_("description (Japanese)"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    outcome_en = models.CharField(_("outcome (English)"), max_length=300, blank=True)
    outcome_ko = models.CharField(_("outcome (Korean)"), max_length=300, blank=True)
    outcome_ja = models.CharField(_("outcome (Japanese)"), max_length=300, blank=True)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    is_public = models.BooleanField(_("shown on the site"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    title = Localized("title")
    goal = Localized("goal")
    description = Localized("description")
    outcome = Localized("outcome")

    objects = CampaignQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-started_on"]
        indexes = [models.Index(fields=["is_public", "status"], name="campaign_public_idx")]

    def __str__(self):
        return self.title_en

    def get_absolute_url(self):
        return slug_url("campaigns:detail")(self.slug)


class Milestone(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="milestones"
    )
    date = models.DateField(_("date"))
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_ko = models.CharField(_("title (Korean)"), max_length=200, blank=True)
    title_ja = models.CharField(_("title (Japanese)"), max_length=200, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ko = models.TextField(_("description (Korean)"), blank=True)
    description_ja = models.TextField(_("description (Japanese)"), blank=True)
    statement_key = models.UUIDField(
        _("related statement"),
        null=True,
        blank=True,
        help_text=_("The statement this milestone links to, in whichever language is read."),
    )

    title = Localized("title")
    description = Localized("description")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.title_en}"


# ---------------------------------------------------------------------------------------------
# Statements
# ---------------------------------------------------------------------------------------------


class Topic(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_ko = models.CharField(_("name (Korean)"), max_length=100, blank=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=100, blank=True)

    name = Localized("name")

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name_en"]

    def __str__(self):
        return self.name_en


# The columns a statement card reads (statements_tags.statement_cards; the campaign's id for
# ListFacts.with_campaigns).
CARD_FIELDS = ("pk", "kind", "title", "slug", "language", "published_at", "summary", "campaign")


class StatementQuerySet(models.QuerySet):
    def published(self, now=None):
        """Published and due: drafts and statements scheduled for later stay invisible.
        `now`: the time to judge by, when the caller has one (a compiled query's marker)."""
        now = timezone.now() if now is None else now
        return self.filter(status=Statement.Status.PUBLISHED, published_at__lte=now)

    def next_scheduled_at(self):
        """When the next statement scheduled for later becomes public, or None."""
        scheduled = self.filter(status=Statement.Status.PUBLISHED, published_at__gt=timezone.now())
        return scheduled.order_by("published_at").values_list("published_at", flat=True).first()

    def in_language(self, language):
        return self.filter(language=language)

    def for_listing(self):
        """What a list, feed or API page needs of each row, in a constant number of queries."""
        return self.select_related("campaign")

    def for_page(self):
        """What a statement's own page needs of each language version, in one query: its
        campaign's title and address, and whether it has documents and press contacts (its
        own or its original's), so that a statement without them costs no query for them. The
        Markdown source, the search index and the campaign's long texts stay in the database."""
        source = Coalesce(OuterRef("translation_of_id"), OuterRef("pk"))
        long_texts = [
            f"campaign__{name}"
            for localized in (Campaign.goal, Campaign.description, Campaign.outcome)
            for name in localized.field_names()
        ]
        return (
            self.select_related("campaign")
            .defer("body", "search_vector", *long_texts)
            .annotate(
                has_attachments=Exists(Attachment.objects.filter(statement_id=source)),
                has_press_contacts=Exists(
                    PressContact.objects.filter(
                        Q(statement_id=OuterRef("pk")) | Q(statement_id=source)
                    )
                ),
            )
        )

    def for_cards(self, *, campaign=True):
        """What a statement card shows of each row (statements_tags.statement_cards), and
        nothing else: not the text, its HTML and its search vector (7 KB a statement), nor the
        eight other columns, which made each of a list's twenty model instances half as
        costly again (two more datetimes to read).
        `campaign=False`: without the campaign too, for a caller that sets it from campaigns
        it has already (the statement list: statements.queries.ListFacts.with_campaigns)."""
        cards = self.only(*CARD_FIELDS)
        return cards.select_related("campaign") if campaign else cards

    def outdated_translations(self):
        """Translations last edited before their original's last change: they may say something
        else now. Oldest first, as the longest-waiting come first at the desk."""
        return (
            self.filter(
                translation_of__isnull=False, updated_at__lt=F("translation_of__updated_at")
            )
            .select_related("translation_of")
            .order_by("updated_at", "pk")
        )

    def versions_of(self, statement):
        """Every language version of one statement, this one included."""
        return self.filter(translation_key=statement.translation_key)

    def lock_versions(self, translation_keys):
        """Lock every language version of these statements (in one order, so that two callers
        cannot deadlock), in the caller's transaction: releasing a statement to the press locks
        the version it releases, so holding them all keeps a release from being made meanwhile."""
        list(
            self.select_for_update(no_key=True)  # rows that point at them may still be added
            .filter(translation_key__in=set(translation_keys))
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    def search(self, query, *, language=None):
        """Ranked full-text search on PostgreSQL; plain case-insensitive matching elsewhere.

        `language` (when the caller has already narrowed to one) picks the method: English
        text is ranked by PostgreSQL's English configuration, Korean and Japanese are matched
        inside the text.
        """
        from statements.search import search_statements

        return search_statements(self, query, language=language)


class Statement(models.Model):
    class Kind(models.TextChoices):
        PRESS_RELEASE = "press_release", _("Press release")
        JOINT_STATEMENT = "joint_statement", _("Joint statement")
        OPEN_LETTER = "open_letter", _("Open letter")
        REPORT = "report", _("Report")
        NEWS = "news", _("News")

    class Status(models.TextChoices):
        """What staff chose. "Scheduled" is not stored: it is PUBLISHED with a publication time
        still ahead, so that a statement appears by itself at its time with nothing to run, and
        `published()` needs only to compare with the clock (see `state`)."""

        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")

    class State(models.TextChoices):
        """The four states staff see and act on: Status plus the clock."""

        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")

    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.JOINT_STATEMENT
    )
    get_kind_display = choice_display("kind", Kind)
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=200, allow_unicode=True)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES)
    translation_key = models.UUIDField(
        _("translation key"),
        default=uuid.uuid4,
        db_index=True,
        help_text=_("Shared by the language versions of one statement."),
    )
    translation_of = models.ForeignKey(
        "self",
        verbose_name=_("translation of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="translations",
        help_text=_("The original this is a translation of; empty for the original."),
    )
    dateline = models.CharField(
        _("dateline place"), max_length=100, blank=True, help_text=_("For example: Tokyo")
    )
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        help_text=_("A time in the future schedules the statement."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    summary = models.TextField(_("summary"), max_length=1000, blank=True)
    body = models.TextField(_("body (Markdown)"), max_length=BODY_MAX_LENGTH)
    body_html = models.TextField(editable=False, blank=True)
    image = models.ImageField(_("image"), upload_to=RandomName("statements"), blank=True)
    image_alt = models.CharField(_("image description (alt text)"), max_length=300, blank=True)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="statements",
    )
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # English statements' text vector for full-text search (statements/search.py), written by
    # save(). On PostgreSQL a GIN index serves it and trigram indexes serve Korean and Japanese
    # substrings; they live in migration 0004 only, as SQLite could not build them. On SQLite
    # the column (type "tsvector", which SQLite accepts as any name) stays empty.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = StatementQuerySet.as_manager()
    # body_html and search_vector are derived from the text; updated_at is the history row's
    # own date.
    history = HistoricalRecords(excluded_fields=["body_html", "search_vector", "updated_at"])

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["-published_at", "-pk"]
        permissions = [("publish_statement", _("Can publish and unpublish statements"))]
        constraints = [
            models.UniqueConstraint(fields=["language", "slug"], name="statement_slug_per_lang"),
            models.UniqueConstraint(
                fields=["translation_key", "language"], name="statement_one_per_lang"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="statement_published_has_time",
                violation_error_message=_("A published statement needs a publication time."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["language", "status", "-published_at"], name="statement_public_idx"
            ),
            models.Index(fields=["language", "kind", "-published_at"], name="statement_kind_idx"),
            # Newest first across languages: the API, the sitemap and the admin's list.
            models.Index(fields=["-published_at", "-id"], name="statement_recent_idx"),
            # A link with another language's slug is looked up by slug alone.
            models.Index(fields=["slug"], name="statement_slug_idx"),
            # The sitemap's newest change, read from one end instead of every statement.
            models.Index(fields=["-updated_at"], name="statement_updated_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        from statements.markdown import render_markdown
        from statements.search import vector_for

        self.body_html = render_markdown(self.body)
        if self.translation_of_id and self.translation_of.translation_key != self.translation_key:
            self.translation_key = self.translation_of.translation_key
        # Computed by the database in the same INSERT or UPDATE.
        self.search_vector = vector_for(self)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and SEARCHED_FIELDS & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_vector"}
        rekeys = not self._state.adding and (
            update_fields is None or "translation_key" in update_fields
        )
        super().save(*args, **kwargs)
        # The attribute holds the expression, not its value: leave the field unloaded, so that
        # reading it fetches what the database stored.
        self.__dict__.pop("search_vector", None)
        # Its signatures carry its translation key: a statement that became another's
        # translation (or got another key in any way) takes them along.
        if rekeys:
            self.signatures.exclude(translation_key=self.translation_key).update(
                translation_key=self.translation_key
            )

    def get_absolute_url(self):
        # A statement lives under its own language's prefix, whatever language is active
        # (the sitemap, the feed and the API build links outside any language prefix).
        # The pattern is reversed once per language (icnk/fasturls.py), not once per row.
        return slug_url("statements:detail", self.language)(self.slug)

    def clean(self):
        errors = {}
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = ValidationError(
                _("“%(slug)s” is used by the site itself; choose another."),
                code="reserved",
                params={"slug": self.slug},
            )
        original = self.translation_of
        if original is not None:
            if original.translation_of_id:
                errors["translation_of"] = ValidationError(
                    _("Choose the original statement, not another translation of it."),
                    code="translation_of_translation",
                )
            elif original.pk == self.pk or original.language == self.language:
                errors["translation_of"] = ValidationError(
                    _("A translation must be in a different language from its original."),
                    code="same_language",
                )
        if self.status == self.Status.PUBLISHED and not self.published_at:
            errors["published_at"] = ValidationError(
                _("Give a publication time, or keep the statement as a draft."),
                code="published_without_time",
            )
        if errors:
            raise ValidationError(errors)

    @property
    def source(self):
        """The original version; signatures and attachments shared by all versions hang on it."""
        return self.translation_of if self.translation_of_id else self

    @property
    def source_id(self):
        return self.translation_of_id or self.pk

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def state(self):
        """Draft, Scheduled, Published or Unpublished, as of now."""
        if self.status == self.Status.PUBLISHED:
            return self.State.SCHEDULED if self.is_scheduled else self.State.PUBLISHED
        if self.status == self.Status.UNPUBLISHED:
            return self.State.UNPUBLISHED
        return self.State.DRAFT

    def get_state_display(self):
        return self.State(self.state).label

    @property
    def is_translation_outdated(self):
        """A translation last edited before its original's last change may say something else."""
        original = self.translation_of
        return bool(original and self.updated_at and self.updated_at < original.updated_at)


# What the stored search vector is made of (statements/search.py).
SEARCHED_FIELDS = {"title", "summary", "body", "language"}

# Paths under /<lang>/statements/ that are not statements.
RESERVED_SLUGS = {"feed"}


class PressContact(models.Model):
    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="press_contacts"
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    contact = models.CharField(
        _("email or phone"), max_length=200, blank=True, help_text=_("Shown only if public.")
    )
    contact_is_public = models.BooleanField(_("show the contact in public"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    # A statement's history shows its press contacts' changes beside its own.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("press contact")
        verbose_name_plural = _("press contacts")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.name


class SignatureQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """As Django's, with each signature's translation key copied from its statement where
        it is not set (save() does the same for one signature; bulk_create does not call it)."""
        objs = list(objs)
        missing = {obj.statement_id for obj in objs if obj.translation_key is None}
        if missing:
            keys = dict(
                Statement.objects.filter(pk__in=missing).values_list("pk", "translation_key")
            )
            for obj in objs:
                if obj.translation_key is None:
                    obj.translation_key = keys.get(obj.statement_id)
        return super().bulk_create(objs, *args, **kwargs)

    def standing(self):
        """Signatures not withdrawn."""
        return self.filter(withdrawn_on__isnull=True)

    def for_display(self):
        return self.select_related("organization", "supporter")


class Signature(models.Model):
    """One organization's or person's name on a statement: a record, never silently changed.

    Signatures hang on the original statement and are shared by its language versions. The
    organization's name is copied at signing, so a later rename does not rewrite history. A
    withdrawn signature is marked with its date instead of being deleted.
    """

    statement = models.ForeignKey(
        Statement,
        verbose_name=_("statement"),
        on_delete=models.CASCADE,
        related_name="signatures",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signatures",
    )
    supporter = models.ForeignKey(
        Supporter,
        verbose_name=_("individual supporter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signatures",
    )
    name_at_signing = models.CharField(
        _("name when signed"),
        max_length=250,
        blank=True,
        help_text=_("The organization's name as it stood when it signed; filled in for you."),
    )
    local_name_at_signing = models.CharField(
        _("local name when signed"),
        max_length=200,
        blank=True,
        help_text=_(
            "The organization's name in its own script as it stood when it signed; filled in for "
            "you. Korean and Japanese versions show it instead of the English name."
        ),
    )
    visibility = models.CharField(
        _("visibility on this statement"),
        max_length=15,
        choices=Visibility.choices,
        blank=True,
        help_text=_(
            "A person may sign a statement more privately than they appear elsewhere (chosen on "
            "the sign-on page). Empty: as their own visibility. Never more public than that."
        ),
    )
    # The statement's translation key, copied: save(), bulk_create() and the statement's save()
    # keep it so, and the database refuses a row without it. An organization's page
    # lists what it signed by statement, each in the reader's language: with the key here, the
    # database reads it from this table's index instead of visiting each signed statement.
    translation_key = models.UUIDField(_("translation key"), editable=False)
    order = models.PositiveIntegerField(_("order"), default=0)
    signed_on = models.DateField(_("signed on"), default=timezone.localdate)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = SignatureQuerySet.as_manager()
    # The key is the statement's, not the signature's own record: its history has no copy.
    history = HistoricalRecords(excluded_fields=["translation_key"])

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(organization__isnull=False, supporter__isnull=True)
                    | Q(organization__isnull=True, supporter__isnull=False)
                ),
                name="signature_one_signatory",
                violation_error_message=_(
                    "A signature is either an organization's or a person's, not both."
                ),
            ),
            models.UniqueConstraint(
                fields=["statement", "organization"],
                condition=Q(organization__isnull=False),
                name="signature_org_once",
                violation_error_message=_("This organization has already signed."),
            ),
            models.UniqueConstraint(
                fields=["statement", "supporter"],
                condition=Q(supporter__isnull=False),
                name="signature_supporter_once",
                violation_error_message=_("This person has already signed."),
            ),
        ]
        indexes = [
            # What an organization signed and stands by (its public page, its API record), read
            # from the index alone: without it, a member that signed 360 statements costs a
            # visit to 360 table pages, and without the key in it, 360 visits to the statements
            # (at full size, 1.5 and 0.4 ms of a 1.5 ms query).
            models.Index(
                fields=["organization", "translation_key"],
                condition=Q(withdrawn_on__isnull=True),
                name="signature_org_standing_key",
            ),
        ]

    def __str__(self):
        return self.name_at_signing or str(self.organization or self.supporter)

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"statement", "statement_id"} & set(update_fields):
            self.translation_key = self.statement.translation_key
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "translation_key"}
        if self.organization_id and not self.name_at_signing:
            self.name_at_signing = self.organization.display_name
            self.local_name_at_signing = self.local_name_at_signing or self.organization.local_name
        super().save(*args, **kwargs)

    def is_later_endorsement(self, statement):
        published = statement.published_at
        return bool(published and self.signed_on > timezone.localdate(published))


def sanitized_file_name(name):
    """An uploaded file's own name, safe to offer when a reader saves it: no folders, spaces as
    underscores, only letters (Korean and Japanese included), digits, "-", "_" and "."."""
    try:
        return get_valid_filename(PurePosixPath(str(name).replace("\\", "/")).name)[:255]
    except SuspiciousFileOperation:
        return ""


def attachment_original_name(stored):
    """The name a statement's attachment was uploaded with (icnk/headers.py offers it)."""
    found = Attachment.objects.filter(file=stored).values_list("original_name", flat=True)
    return next(iter(found), "")


class Attachment(models.Model):
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES)
    file = models.FileField(
        _("file"),
        upload_to=RandomName("attachments"),
        validators=[FileExtensionValidator(list(ATTACHMENT_TYPES))],
        help_text=_(
            "PDF or an office document, at most 20 MB. A PDF's author and other document "
            "details are removed on upload; remove them from an office document before "
            "uploading it (File > Info > Inspect document, or Properties)."
        ),
    )
    content_type = models.CharField(_("content type"), max_length=120, editable=False)
    original_name = models.CharField(
        _("original file name"),
        max_length=255,
        blank=True,
        editable=False,
        help_text=_("The name the file was uploaded with; readers save it under this name."),
    )
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0, editable=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    # A statement's history shows its documents' changes beside its own.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.file and not getattr(self.file, "_committed", True) and not self.original_name:
            self.original_name = sanitized_file_name(self.file.name)
        if self.file and not self.size:
            self.size = self.file.size
        if self.file and not self.content_type:
            extension = self.file.name.rsplit(".", 1)[-1].lower()
            self.content_type = ATTACHMENT_TYPES.get(extension, "application/octet-stream")
        super().save(*args, **kwargs)

    def clean(self):
        # Only a newly uploaded file is inspected; a stored one was checked when it came in.
        if self.file and not getattr(self.file, "_committed", True):
            self.original_name = sanitized_file_name(self.file.name)
            try:
                self.content_type = inspect_attachment(self.file)
                if self.content_type == ATTACHMENT_TYPES["pdf"]:
                    # The author and the software it came from would be published with it.
                    self.file = strip_pdf_metadata(self.file)
            except ValidationError as error:
                raise ValidationError({"file": error}) from error
            self.size = self.file.size

    @property
    def extension(self):
        return self.file.name.rsplit(".", 1)[-1].upper() if self.file else ""
