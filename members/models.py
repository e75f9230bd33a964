import functools
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from icnk import cache as page_cache
from icnk.fasturls import slug_url
from icnk.i18n import Localized, current_language
from icnk.labels import choice_display
from icnk.uploads import RandomName
from icnk.validators import validate_sendable_email
from members.logos import card_name, card_or_logo, record_card
from members.regions import Region, region_for


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    LEFT = "left", _("Left")
    # Not renewed within the grace period (members/renewal.py). Like "left", no longer a current
    # member anywhere public; unlike it, renewing or a reinstatement makes it active again.
    LAPSED = "lapsed", _("Lapsed")


# Statuses whose members still appear on the statements they signed, at their visibility level:
# a member that merely did not renew keeps its place on the record.
ON_THE_RECORD = [MemberStatus.ACTIVE, MemberStatus.LAPSED]
FORMER = [MemberStatus.LEFT, MemberStatus.LAPSED]


class Membership(models.Model):
    """The yearly membership period, shared by organizations and individual supporters.

    The rules that read these dates are in members/renewal.py.
    """

    renewed_until = models.DateField(
        _("current period ends"),
        null=True,
        blank=True,
        help_text=_(
            "The last day of the membership period paid or agreed. Empty: the period that "
            "contains today, counted from the member-since date."
        ),
    )
    renewal_reminder_for = models.DateField(
        _("renewal reminder sent for the period ending"), null=True, blank=True, editable=False
    )
    lapse_notice_for = models.DateField(
        _("lapse notice sent for the period ending"), null=True, blank=True, editable=False
    )
    former_listing_consent_on = models.DateField(
        _("agreed to be listed as a former member on"),
        null=True,
        blank=True,
        help_text=_(
            "With this date, a member that left or lapsed is listed under “Former members” in "
            "the directory with the years it was a member. Without it, it is not listed."
        ),
    )

    class Meta:
        abstract = True

    @property
    def membership_years(self):
        """ "2011–2024": from joining to leaving or lapsing (one year once: "2024")."""
        start = self.member_since.year
        end = self.left_on.year if self.left_on else start
        return str(start) if end == start else f"{start}\u2013{end}"


# ---------------------------------------------------------------------------------------------
# Organizations
# ---------------------------------------------------------------------------------------------


class OrganizationKind(models.TextChoices):
    INTERNATIONAL_NGO = "international_ngo", _("International NGO")
    NATIONAL_NGO = "national_ngo", _("National NGO")
    SURVIVORS = "survivors", _("Survivors' and victims' group")
    FAITH = "faith", _("Faith-based organization")
    LEGAL = "legal", _("Lawyers and legal")
    ACADEMIC = "academic", _("Academic and research")
    MEDIA = "media", _("Media")
    OTHER = "other", _("Other")


class Listing(models.TextChoices):
    """How an organization appears in public. Some groups cannot be named where they work."""

    NAMED = "named", _("Listed by name")
    COUNTED = "counted", _("Counted only")
    UNLISTED = "unlisted", _("Not listed")


# Regions in the order of `Region` (Asia first), for the directory and its index.
REGION_ORDER = Case(
    *(When(region=value, then=Value(i)) for i, value in enumerate(Region.values)),
    default=Value(len(Region.values)),
)


class OrganizationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=MemberStatus.ACTIVE)

    def listed(self):
        """What readers may see by name: active organizations listed by name."""
        return self.active().filter(listing=Listing.NAMED)

    def counted(self):
        """What public totals include: listed by name or counted only."""
        return self.active().filter(listing__in=[Listing.NAMED, Listing.COUNTED])

    def former_listed(self):
        """Former members (left or lapsed) that agreed to be listed as such, by name."""
        return self.filter(
            status__in=FORMER, listing=Listing.NAMED, former_listing_consent_on__isnull=False
        ).only("id", "name", "acronym", "local_name", "country", "member_since", "left_on")

    @staticmethod
    def matching(query):
        """The condition `search` filters by, for counts that need it as a condition."""
        query = (query or "").strip()
        if not query:
            return Q()
        return (
            Q(name__icontains=query) | Q(local_name__icontains=query) | Q(acronym__icontains=query)
        )

    def search(self, query):
        return self.filter(self.matching(query))

    def public(self):
        """Listed organizations with only the columns a public page may read.

        Deferring the private contact fields means a template mistake cannot leak them without
        an extra query, which the pinned query counts would catch.
        """
        return self.listed().only(*PUBLIC_ORGANIZATION_FIELDS)

    def by_region(self):
        """Ordered by region in the order of `Region` (Asia first), then by name."""
        # The slug, not the primary key, breaks ties: it is public; creation order is not.
        # org_public_region_idx is on these three: a page reads 50 rows of the index instead
        # of sorting every listed organization (5 ms at 5,000).
        return self.order_by(REGION_ORDER, "name", "slug")

    def alphabetical(self):
        return self.order_by("name", "slug")

    def totals(self):
        """Counted organizations, and the number of distinct countries the named ones come from
        (a country only a counted-only member comes from would say where it works)."""
        return self.counted().aggregate(
            organizations=Count("pk"),
            countries=Count(
                "country", distinct=True, filter=~Q(country="") & Q(listing=Listing.NAMED)
            ),
        )


# An organization's columns, named once. Staff edit ORGANIZATION_FIELDS (the admin form; the
# import file, in this column order); the contact fields are about a person (staff only, and
# what a person's data export and erasure cover); public pages read only the public ones.
ORGANIZATION_CONTACT_FIELDS = ["contact_name", "contact_email", "contact_phone", "private_notes"]
ORGANIZATION_FIELDS = [
    "slug",
    "name",
    "local_name",
    "acronym",
    "country",
    "kind",
    "website",
    "logo",
    "description_en",
    "description_ko",
    "description_ja",
    "member_since",
    "founding_member",
    "status",
    "left_on",
    "listing",
    *ORGANIZATION_CONTACT_FIELDS,
]
PUBLIC_ORGANIZATION_FIELDS = [
    "id",
    "region",
    "updated_at",
    *(f for f in ORGANIZATION_FIELDS if f not in {"left_on", *ORGANIZATION_CONTACT_FIELDS}),
]


# What an organization's public page shows of its own row (`page_changed_at`).
PAGE_FIELDS = frozenset(PUBLIC_ORGANIZATION_FIELDS) - {"id", "region", "updated_at"}


def name_language(text, country):
    """The language a local name is written in: Hangul means Korean and kana Japanese; Han
    characters alone depend on the country."""
    if not text:
        return ""
    if any("\uac00" <= ch <= "\ud7a3" or "\u1100" <= ch <= "\u11ff" for ch in text):
        return "ko"
    if any("\u3040" <= ch <= "\u30ff" for ch in text):
        return "ja"
    return {
        "JP": "ja",
        "KR": "ko",
        "KP": "ko",
        "CN": "zh-Hans",
        "TW": "zh-Hant",
        "ID": "id",
    }.get(str(country), "")


def organization_display_name(name, acronym):
    """An organization's name with its acronym, unless the name already contains it."""
    if acronym and acronym not in name:
        return f"{name} ({acronym})"
    return name


def validate_free_slug(value):
    """An organization's page is /members/<slug>/: a slug that is also the first part of
    another address under /members/ (the members' area) would lead there instead."""
    if value in Organization.RESERVED_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is taken by another page of the site; choose another slug."),
            code="reserved",
            params={"slug": value},
        )


class Organization(Membership):
    # The first parts of the other addresses under /members/ (members/urls.py): no
    # organization's page may be given one.
    RESERVED_SLUGS = frozenset({"area", "contact", "renew"})

    name = models.CharField(_("name"), max_length=200)
    local_name = models.CharField(
        _("local name"),
        max_length=200,
        blank=True,
        help_text=_("The name in its own script, for example in Korean or Japanese."),
    )
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        allow_unicode=False,
        validators=[validate_free_slug],
    )
    country = CountryField(
        _("country"), blank=True, help_text=_("Leave blank for an international organization.")
    )
    region = models.CharField(
        _("region"), max_length=20, choices=Region.choices, editable=False, db_index=True
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=OrganizationKind.choices, default=OrganizationKind.OTHER
    )
    # Printed on every card of the directory: faster than Django's own (icnk/labels.py).
    get_kind_display = choice_display("kind", OrganizationKind)
    get_region_display = choice_display("region", Region)
    website = models.URLField(_("website"), max_length=300, blank=True)
    logo = models.ImageField(
        _("logo"),
        upload_to=RandomName("logos"),
        blank=True,
        help_text=_("PNG, JPEG or WebP, at most 2 MB. It is re-encoded and resized."),
    )
    # The stored name of the logo's copy for the directory's cards, once written.
    logo_card = models.CharField(
        _("logo's copy for cards"), max_length=150, blank=True, default="", editable=False
    )
    description_en = models.TextField(_("description (English)"), max_length=2000, blank=True)
    description_ko = models.TextField(_("description (Korean)"), max_length=2000, blank=True)
    description_ja = models.TextField(_("description (Japanese)"), max_length=2000, blank=True)
    member_since = models.DateField(_("member since"), default=timezone.localdate)
    founding_member = models.BooleanField(_("founding member"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)
    listing = models.CharField(
        _("public listing"), max_length=10, choices=Listing.choices, default=Listing.NAMED
    )
    # Private: staff only, never on a public page, feed or API.
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(
        _("contact email"), blank=True, validators=[validate_sendable_email]
    )
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    private_notes = models.TextField(_("private notes"), blank=True)
    language = models.CharField(
        _("language for mail"),
        max_length=2,
        choices=settings.LANGUAGES,
        default="en",
        blank=True,
        help_text=_("Sign-on invitations and reminders go to the contact in this language."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # When what its public page shows last changed: the sitemap's lastmod. Not `updated_at`,
    # which also moves when only a private field (notes, the contact) is edited.
    page_changed_at = models.DateTimeField(
        _("public page changed"), default=timezone.now, editable=False
    )

    description = Localized("description")

    objects = OrganizationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "logo_card", "page_changed_at"])

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "listing", "name"], name="org_public_name_idx"),
            # The directory's default order (by_region): a page of it is the next rows here.
            models.Index(
                REGION_ORDER,
                "name",
                "slug",
                condition=Q(status="active", listing="named"),
                name="org_public_region_idx",
            ),
            models.Index(fields=["status", "listing", "country"], name="org_public_country_idx"),
            models.Index(fields=["status", "listing", "kind"], name="org_public_kind_idx"),
            # The admin's default list: active members by name.
            models.Index(fields=["status", "name"], name="org_status_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="left") | Q(left_on__isnull=False),
                name="org_left_has_date",
                violation_error_message=_("An organization that left needs the date it left."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.region = region_for(self.country)
        if not self.slug:
            self.slug = unique_slug(Organization, self.acronym or self.name, exclude_pk=self.pk)
        if self.status == MemberStatus.LEFT and not self.left_on:
            self.left_on = timezone.localdate()
        card = card_name(self.logo.name) if self.logo else ""
        if card and self.logo_card != card and self.pk is not None:
            # A copy recorded since this organization was read is kept, not saved over.
            recorded = Organization.objects.filter(pk=self.pk, logo=self.logo.name)
            if recorded.values_list("logo_card", flat=True).first() == card:
                self.logo_card = card
        if not self._state.adding and self._page_changed(kwargs.get("update_fields")):
            self.page_changed_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = [*kwargs["update_fields"], "page_changed_at"]
        super().save(*args, **kwargs)
        if card and self.logo_card != card:
            # Written once committed, then recorded (members/logos.py).
            transaction.on_commit(
                functools.partial(self._record_logo_card, self.logo.name), robust=True
            )

    def get_absolute_url(self):
        return slug_url("members:organization-detail")(self.slug)

    def _page_changed(self, update_fields):
        """Whether this save changes a column the public page shows (one read of the row)."""
        names = PAGE_FIELDS if update_fields is None else PAGE_FIELDS & set(update_fields)
        if not names:
            return False
        before = Organization.objects.filter(pk=self.pk).values(*names).first()
        if before is None:
            return True
        return any(
            before[name] != field.get_prep_value(getattr(self, field.attname))
            for name in names
            for field in [self._meta.get_field(name)]
        )

    def _record_logo_card(self, name):
        stored = record_card(Organization, self.pk, name)
        if stored:
            # Pages cached while the copy was written show the logo itself: not for long.
            page_cache.invalidate()
            if self.logo.name == name:
                self.logo_card = stored

    @property
    def logo_card_url(self):
        """The logo at the size of a directory card (members/logos.py)."""
        if not self.logo:
            return ""
        return self.logo.storage.url(card_or_logo(self.logo.name, self.logo_card))

    @property
    def is_public(self):
        return organization_is_public(self.status, self.listing)

    @property
    def local_name_language(self):
        """A language code for the local name's `lang` attribute, so it renders in the right font.

        Hangul means Korean and kana Japanese; Han characters alone depend on the country.
        """
        return name_language(self.local_name, self.country)

    @property
    def display_name(self):
        return organization_display_name(self.name, self.acronym)


# The rules above as functions of the columns they read, for lists that read only those columns
# (a statement's signatories, the directory) rather than whole rows; organization_display_name
# is above the class.


def organization_is_public(status, listing):
    """Whether an organization has a public page (and may be linked to)."""
    return status == MemberStatus.ACTIVE and listing == Listing.NAMED


# ---------------------------------------------------------------------------------------------
# Individual supporters
# ---------------------------------------------------------------------------------------------


class Visibility(models.TextChoices):
    """Agreed with each person: some supporters are at personal risk."""

    FULL_NAME = "full_name", pgettext_lazy("person", "Full name")
    DISPLAY_NAME = "display_name", _("Display name only")
    INITIALS = "initials", _("Initials only")
    COUNTED = "counted", _("Counted only (never named)")
    HIDDEN = "hidden", _("Hidden")


NAMED_VISIBILITIES = [Visibility.FULL_NAME, Visibility.DISPLAY_NAME, Visibility.INITIALS]
# From the most public to the most private.
VISIBILITY_ORDER = [*NAMED_VISIBILITIES, Visibility.COUNTED, Visibility.HIDDEN]


def more_private(*levels):
    """The most private of the given visibility levels (empty ones ignored)."""
    given = [level for level in levels if level]
    return max(given, key=VISIBILITY_ORDER.index) if given else Visibility.HIDDEN


def consent_covers(consented, visibility):
    """Whether consent to `consented` allows showing a person at `visibility`.

    Counted-only and hidden need no consent. Consent to the full name covers every named level
    (each shows less); consent to a display name or to initials covers that level only, since
    initials of the real name can say more than a pseudonym, and the other way round.
    """
    if visibility not in NAMED_VISIBILITIES:
        return True
    return consented == Visibility.FULL_NAME or consented == visibility


# `Supporter.public_name` and `public_affiliation` in SQL, for sorting public lists by them.
SHOWN_NAME = Case(
    When(visibility=Visibility.FULL_NAME, then=F("full_name")),
    When(Q(visibility=Visibility.DISPLAY_NAME) & ~Q(display_name=""), then=F("display_name")),
    default=F("name_initials"),
    output_field=CharField(),
)
SHOWN_AFFILIATION = Case(
    When(visibility=Visibility.FULL_NAME, then=F("affiliation")),
    When(Q(visibility=Visibility.DISPLAY_NAME) & ~Q(display_name=""), then=F("affiliation")),
    default=Value(""),
    output_field=CharField(),
)


class SupporterQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=MemberStatus.ACTIVE)

    def named(self):
        """Supporters who may appear by some name on public pages."""
        return self.active().filter(visibility__in=NAMED_VISIBILITIES)

    def counted(self):
        """Supporters included in public totals."""
        return self.active().exclude(visibility=Visibility.HIDDEN)

    def former_listed(self):
        """Former supporters (left or lapsed) that agreed to be listed as such, named as their
        visibility allows; a person taken down or erased never is."""
        return self.filter(
            status__in=FORMER,
            visibility__in=NAMED_VISIBILITIES,
            former_listing_consent_on__isnull=False,
            taken_down_at__isnull=True,
            personal_data_erased_at__isnull=True,
        ).only(*PUBLIC_SUPPORTER_FIELDS, "member_since", "left_on")

    def signable(self):
        """Who may be added to a statement: active, not taken down, data not erased."""
        return self.active().filter(
            taken_down_at__isnull=True, personal_data_erased_at__isnull=True
        )

    def public(self):
        """Named supporters with only the columns that `public_name` and a page need."""
        return self.named().only(*PUBLIC_SUPPORTER_FIELDS)

    def public_search(self, query):
        """Search by the name each person shows, never by a name they keep private.

        Matching a full name that is shown only as initials would confirm who hides behind them.
        """
        return self.filter(self.public_matching(query))

    def in_public_order(self):
        """A to Z by the name each person shows, never by a name they keep private.

        Sorting pseudonyms and initials by the real full name would place "M. J." between
        "Kim Min-ji" and "Kim Min-seo" and nearly spell out who it is. Ties are broken by what
        is printed beside the name (the affiliation shown, the country); only rows that print
        exactly alike are left to the primary key, and between those the order is invisible.
        """
        return self.annotate(shown_name=SHOWN_NAME, shown_affiliation=SHOWN_AFFILIATION).order_by(
            "shown_name", "shown_affiliation", "country", "pk"
        )

    @staticmethod
    def public_matching(query):
        """The condition `public_search` filters by, for counts that need it as a condition."""
        query = (query or "").strip()
        if not query:
            return Q()
        return Q(visibility=Visibility.FULL_NAME, full_name__icontains=query) | Q(
            visibility=Visibility.DISPLAY_NAME, display_name__icontains=query
        )


PUBLIC_SUPPORTER_FIELDS = [
    "id",
    "full_name",
    "display_name",
    "name_initials",
    "affiliation",
    "affiliation_ko",
    "affiliation_ja",
    "country",
    "region",
    "visibility",
    "status",
]


class TakenDownError(ValueError):
    """A change that would show a taken-down person again: only lifting the take-down may
    (`members.services.take_down_lift`, an administrator's action with a reason)."""


TAKEN_DOWN_MESSAGE = _(
    "This person is taken down: their visibility stays hidden until an administrator lifts "
    "the take-down."
)


class Supporter(Membership):
    full_name = models.CharField(_("full name"), max_length=200)
    display_name = models.CharField(
        _("public display name"),
        max_length=200,
        blank=True,
        help_text=_("Shown instead of the full name when the person asked for it (a pseudonym)."),
    )
    affiliation = models.CharField(
        _("title or affiliation"),
        max_length=300,
        blank=True,
        help_text=_("For example a post, a book, a prize or an association."),
    )
    affiliation_ko = models.CharField(
        _("title or affiliation (Korean)"),
        max_length=300,
        blank=True,
        help_text=_("Shown on Korean pages; leave empty to show the English."),
    )
    affiliation_ja = models.CharField(
        _("title or affiliation (Japanese)"),
        max_length=300,
        blank=True,
        help_text=_("Shown on Japanese pages; leave empty to show the English."),
    )
    country = CountryField(_("country"), blank=True)
    region = models.CharField(
        _("region"), max_length=20, choices=Region.choices, editable=False, db_index=True
    )
    visibility = models.CharField(
        _("visibility"),
        max_length=15,
        choices=Visibility.choices,
        default=Visibility.HIDDEN,
        help_text=_("Agreed with the person. Hidden until they consent to more."),
    )
    consent_date = models.DateField(_("consent given on"), null=True, blank=True)
    consent_means = models.CharField(
        _("consent given by"),
        max_length=200,
        blank=True,
        help_text=_("How the person agreed, for example “email of 10 January 2013”."),
    )
    consent_visibility = models.CharField(
        _("consent given for"),
        max_length=15,
        choices=Visibility.choices,
        blank=True,
        help_text=_(
            "The level the person agreed to. A named level needs it: consent to the full name "
            "covers every named level, consent to a display name or initials only that level."
        ),
    )
    consent_text = models.TextField(
        _("wording agreed to"),
        blank=True,
        help_text=_("What the person read when they chose, when they chose on our site."),
    )
    # Private: staff only.
    email = models.EmailField(_("email"), blank=True, validators=[validate_sendable_email])
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    private_notes = models.TextField(_("private notes"), blank=True)
    language = models.CharField(
        _("language for mail"),
        max_length=2,
        choices=settings.LANGUAGES,
        default="en",
        blank=True,
        help_text=_("Sign-on invitations and reminders go to the person in this language."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    member_since = models.DateField(_("member since"), default=timezone.localdate)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    taken_down_at = models.DateTimeField(_("taken down at"), null=True, blank=True)
    taken_down_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken down by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    personal_data_erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)
    # Derived from full_name on save, so that public lists can sort by the initials shown.
    name_initials = models.CharField(_("initials"), max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SupporterQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "name_initials"])

    class Meta:
        verbose_name = _("individual supporter")
        verbose_name_plural = _("individual supporters")
        ordering = ["full_name"]
        indexes = [
            models.Index(fields=["status", "visibility", "full_name"], name="sup_public_idx"),
            models.Index(fields=["status", "visibility", "country"], name="sup_public_country_idx"),
            # The directory's people, A to Z: only those who may be named are in it.
            models.Index(
                fields=["full_name", "id"],
                condition=Q(
                    status="active", visibility__in=["full_name", "display_name", "initials"]
                ),
                name="sup_named_name_idx",
            ),
            # ... in the order the directory shows them (`in_public_order`, by the name each
            # shows): a page reads 100 index entries instead of sorting every named person
            # (73 ms at 50,000 supporters).
            models.Index(
                SHOWN_NAME,
                SHOWN_AFFILIATION,
                "country",
                "id",
                condition=Q(
                    status="active", visibility__in=["full_name", "display_name", "initials"]
                ),
                name="sup_public_order_idx",
            ),
            # The admin's default list (active, by name) and its country filter.
            models.Index(fields=["status", "full_name"], name="sup_status_name_idx"),
            models.Index(fields=["country"], name="sup_country_idx"),
        ]
        permissions = [
            ("takedown_supporter", _("Can take a supporter down from every public page")),
            ("export_personal_data", _("Can export a person's personal data")),
            ("erase_personal_data", _("Can erase a person's personal data")),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.region = region_for(self.country)
        self.name_initials = initials(self.full_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "full_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_initials"}
        self._hold_take_down()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.taken_down_at and self.visibility != Visibility.HIDDEN:
            raise ValidationError({"visibility": TAKEN_DOWN_MESSAGE})

    def _hold_take_down(self):
        """Refuse to save a taken-down person as anything but hidden, whatever copy is saved
        (one loaded before the take-down keeps it); only the lift may end it."""
        if getattr(self, "_lifting_take_down", False):
            return
        if self.pk is not None:
            held = (
                Supporter.objects.filter(pk=self.pk, taken_down_at__isnull=False)
                .values("taken_down_at", "taken_down_by_id")
                .first()
            )
            if held:
                self.taken_down_at = held["taken_down_at"]
                self.taken_down_by_id = held["taken_down_by_id"]
        if self.taken_down_at and self.visibility != Visibility.HIDDEN:
            raise TakenDownError(str(TAKEN_DOWN_MESSAGE))

    @property
    def public_name(self):
        """The name readers may see, or "" when this person must not be named.

        A lapsed supporter keeps their name on what they signed; one who left does not.
        """
        return supporter_public_name(
            self.status, self.visibility, self.full_name, self.display_name
        )

    @property
    def name_at_visibility(self):
        """The name the visibility level allows, whatever the membership status (for the
        former members' list, which only those who agreed to it reach)."""
        return name_at_visibility(self.visibility, self.full_name, self.display_name)

    @property
    def public_affiliation(self):
        """Shown beside a full or display name, in the reader's language where it is filled in;
        with initials (also when a display name was chosen but none given) it could identify
        the person."""
        if not supporter_shows_affiliation(self.visibility, self.display_name, self.public_name):
            return ""
        return getattr(self, f"affiliation_{current_language()}", "") or self.affiliation

    @property
    def is_named(self):
        return bool(self.public_name)

    @property
    def has_consent_for_visibility(self):
        """A recorded consent (level and date) that covers the current visibility."""
        if self.visibility not in NAMED_VISIBILITIES:
            return True
        return bool(self.consent_date) and consent_covers(self.consent_visibility, self.visibility)


# The rules above as functions of the columns they read, for lists that read only those columns
# (a statement's signatories, the directory) rather than whole rows.


def supporter_public_name(status, visibility, full_name, display_name):
    """`Supporter.public_name`: "" unless active or lapsed, else the name at `visibility`."""
    if status not in ON_THE_RECORD:
        return ""
    return name_at_visibility(visibility, full_name, display_name)


def name_at_visibility(visibility, full_name, display_name):
    """`Supporter.name_at_visibility`."""
    if visibility == Visibility.FULL_NAME:
        return full_name
    if visibility == Visibility.DISPLAY_NAME:
        return display_name or initials(full_name)
    if visibility == Visibility.INITIALS:
        return initials(full_name)
    return ""


def supporter_shows_affiliation(visibility, display_name, public_name):
    """Whether `Supporter.public_affiliation` may show one: beside a full or display name that
    is shown (`public_name`), never beside initials."""
    shows_a_name = visibility == Visibility.FULL_NAME or (
        visibility == Visibility.DISPLAY_NAME and display_name
    )
    return bool(shows_a_name and public_name)


def initials(name):
    """ "Suzanne Scholte" -> "S. S."; a name without spaces (as in Korean) -> its first letter."""
    parts = [p for p in name.replace(".", " ").split() if p]
    return " ".join(f"{p[0].upper()}." for p in parts) if parts else ""


def unique_slug(model, text, *, exclude_pk=None, max_length=100):
    """A free slug for `text`, numbered (`name-2`) only past slugs that readers can see.

    A row that holds the slug but has no public page (`is_public` false: a hidden,
    counted-only, suspended or departed organization) gives it up for a random one instead;
    no public link breaks, and a new member's `name-2` can no longer tell readers that a
    member of that name exists and is kept out of sight.
    """
    base = slugify(text)[:max_length].strip("-") or "member"
    slug, n = base, 2
    qs = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    reserved = getattr(model, "RESERVED_SLUGS", frozenset())
    while True:
        holder = None if slug in reserved else qs.filter(slug=slug).first()
        if holder is None and slug not in reserved:
            return slug
        if holder is not None and not getattr(holder, "is_public", True):
            holder.slug = private_slug(base, max_length=max_length)
            holder._change_reason = "Slug freed for a public member"
            holder.save(update_fields=["slug"])
            return slug
        slug = f"{base}-{n}"
        n += 1


def private_slug(base, *, max_length=100):
    """A slug that says nothing about how many share the name: the base and random letters."""
    return f"{base[: max_length - 9]}-{secrets.token_hex(4)}"


# ---------------------------------------------------------------------------------------------
# Requests to join
# ---------------------------------------------------------------------------------------------


class JoinRequestQuerySet(models.QuerySet):
    def awaiting_review(self):
        """Verified and not yet decided: what the secretariat has to look at."""
        return self.filter(status=JoinRequest.Status.PENDING)

    def email_verified(self):
        """Requests whose address was proven to belong to the applicant (by the link we sent;
        a request leaves "unverified" only that way)."""
        return self.filter(VERIFIED_REQUEST)

    def open_for_email(self, email):
        """Requests for this address still in progress (unverified or awaiting a decision)."""
        return self.filter(
            email__mailbox=email,
            status__in=[JoinRequest.Status.UNVERIFIED, JoinRequest.Status.PENDING],
        )


class JoinRequest(models.Model):
    class Kind(models.TextChoices):
        ORGANIZATION = "organization", _("Organization")
        INDIVIDUAL = "individual", _("Individual supporter")

    class Status(models.TextChoices):
        UNVERIFIED = "unverified", _("Email not yet verified")
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    kind = models.CharField(_("applying as"), max_length=15, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.UNVERIFIED
    )
    language = models.CharField(_("language"), max_length=5, default="en")
    # Both paths
    name = models.CharField(
        _("name"), max_length=200, help_text=_("The organization's name, or the person's.")
    )
    country = CountryField(_("country"), blank=True)
    email = models.EmailField(_("email"), max_length=254, validators=[validate_sendable_email])
    accepted_objectives = models.BooleanField(_("accepted the objectives"), default=False)
    # Organizations
    local_name = models.CharField(_("local name"), max_length=200, blank=True)
    organization_kind = models.CharField(
        _("kind of organization"), max_length=20, choices=OrganizationKind.choices, blank=True
    )
    website = models.URLField(_("website"), max_length=300, blank=True)
    description = models.TextField(_("short description"), max_length=2000, blank=True)
    logo = models.ImageField(_("logo"), upload_to=RandomName("join-logos"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_role = models.CharField(_("contact person's role"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    support_statement = models.TextField(
        _("how it will support the objectives"), max_length=3000, blank=True
    )
    # Individuals
    display_name = models.CharField(_("public display name"), max_length=200, blank=True)
    affiliation = models.CharField(_("title or affiliation"), max_length=300, blank=True)
    # Consent, given by the person on the confirmation page (a POST: a mail scanner opening the
    # link gives none). Individuals choose a visibility; organizations agree to their public
    # fields. The wording they read is kept as it was shown.
    consent_visibility = models.CharField(
        _("visibility chosen"), max_length=15, choices=Visibility.choices, blank=True
    )
    consent_text = models.TextField(_("wording agreed to"), blank=True)
    consented_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    # Progress
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    verified_at = models.DateTimeField(_("email verified"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rejection_reason = models.TextField(_("reason for rejection"), max_length=2000, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization created"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="join_requests",
    )
    supporter = models.ForeignKey(
        Supporter,
        verbose_name=_("supporter created"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="join_requests",
    )
    personal_data_erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    objects = JoinRequestQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["status", "-submitted_at"], name="join_status_idx"),
            models.Index(fields=["email"], name="join_email_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def email_verified(self):
        return self.verified_at is not None or self.status != JoinRequest.Status.UNVERIFIED

    @property
    def email_domain(self):
        return self.email.rsplit("@", 1)[-1].lower() if "@" in self.email else ""


VERIFIED_REQUEST = Q(verified_at__isnull=False) | ~Q(status=JoinRequest.Status.UNVERIFIED)


# ---------------------------------------------------------------------------------------------
# The members' area: sign-in links (members/area.py)
# ---------------------------------------------------------------------------------------------


class MemberSignInLink(models.Model):
    """One emailed sign-in link to the members' area: single-use and short-lived.

    Only a hash of the token is stored, so a copy of the database signs no one in. The link is
    also bound to the address it was sent to (as a digest): once the contact address changes,
    links sent to the old one stop working.
    """

    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    supporter = models.ForeignKey(
        Supporter, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    email_digest = models.CharField(_("address digest"), max_length=64)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in link")
        verbose_name_plural = _("sign-in links")
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=True) ^ Q(supporter__isnull=True),
                name="signin_link_one_member",
            ),
        ]

    def __str__(self):
        return f"sign-in link {self.pk}"

    @property
    def member(self):
        return self.organization or self.supporter


class VisibilityRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=VisibilityRequest.Status.PENDING)


class VisibilityRequest(models.Model):
    """A supporter's request, from the members' area, to be shown less privately.

    More privacy applies at once and needs no request; less needs the person's recorded consent
    (the wording they read, kept as shown) and the secretariat's approval
    (members/self_service.py). Nothing public changes until then.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    supporter = models.ForeignKey(
        Supporter,
        verbose_name=_("individual supporter"),
        on_delete=models.CASCADE,
        related_name="visibility_requests",
    )
    visibility_before = models.CharField(
        _("visibility when asked"), max_length=15, choices=Visibility.choices
    )
    visibility = models.CharField(
        _("visibility asked for"), max_length=15, choices=Visibility.choices
    )
    consent_text = models.TextField(_("wording agreed to"))
    consented_at = models.DateTimeField(_("consent given at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"), max_length=2000, blank=True)

    objects = VisibilityRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("visibility change request")
        verbose_name_plural = _("visibility change requests")
        ordering = ["-consented_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["supporter"],
                condition=Q(status="pending"),
                name="visibility_request_one_pending",
            ),
        ]

    def __str__(self):
        return f"{self.supporter} → {self.get_visibility_display()}"


# ---------------------------------------------------------------------------------------------
# Members editing their own record (members/profile.py)
# ---------------------------------------------------------------------------------------------

# What an organization's registered contact may change from the members' area. Each is public,
# so a change waits for the secretariat's review (ProfileChange); the logo too.
PROFILE_FIELDS = ["description_en", "description_ko", "description_ja", "website", "local_name"]


class ProfileChange(models.Model):
    """A change to an organization's public fields asked for by its contact, awaiting review.

    The proposed values wait here, not on the organization, so the public page is unchanged
    until the secretariat approves. A proposed logo is kept in the database (already checked
    and re-encoded), not in the media store that is served publicly: only staff see it, from
    the admin, until it is approved and becomes the organization's logo.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn by the member")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="profile_changes",
    )
    proposed = models.JSONField(_("proposed values"), default=dict, blank=True)
    logo_data = models.BinaryField(_("proposed logo"), blank=True, default=b"", editable=False)
    logo_type = models.CharField(_("proposed logo's type"), max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    requested_by = models.EmailField(_("requested by"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("profile change")
        verbose_name_plural = _("profile changes")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(status="pending"),
                name="one_pending_profile_change",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "requested_at"], name="profile_change_status_idx")
        ]

    def __str__(self):
        return str(self.organization)

    @property
    def has_logo(self):
        return bool(self.logo_data)


class ContactHandover(models.Model):
    """The registered contact names a successor; the role moves only when the successor opens
    the link mailed to them and confirms. Only a hash of the link's token is kept."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the new contact to confirm")
        CONFIRMED = "confirmed", _("Confirmed")
        REPLACED = "replaced", _("Replaced by a later request")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="contact_handovers",
    )
    new_name = models.CharField(_("new contact person"), max_length=200)
    new_email = models.EmailField(_("new contact email"), validators=[validate_sendable_email])
    requested_by = models.EmailField(_("requested by"), blank=True)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("link expires"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("contact handover")
        verbose_name_plural = _("contact handovers")
        ordering = ["-requested_at"]

    def __str__(self):
        return str(self.organization)
