"""Yearly renewal: membership periods, the status rules, reminders, lapsing, and the
secretariat's hand.

The rules, as a member reads them (README, "Membership and renewal"), modelled on CiviCRM's
membership status rules. With E the last day of the member's current period and G the grace
period in days (both set by the coalition in Site settings):

- **New**: in its first period and within NEW_MONTHS of joining.
- **Current**: on or before E.
- **Grace**: from the day after E to E + G. Still a member, counted and listed.
- **Lapsed**: from E + G + 1 on, without a renewal. No longer counted or listed as a member; still
  on everything it signed. It is told so by mail, once.

A period is a year: from the day of approval (a member approved on 5 March runs to 4 March next
year), or a calendar year (to 31 December; a member approved from October on runs to the end of
the next year). Renewing adds one year to the period's end; a lapsed member that renews starts a
new period today.

The status is a function of the dates and today: `membership_state(member, today)`. The stored
`status` follows it through `membership_rules_apply(today)`, the daily job, which compares dates
with today rather than with the last run, so it catches up after any downtime and running it
twice changes nothing. Reminders and lapse notices are claimed with a conditional UPDATE on the
period they are for, so each goes once per period whatever the number of workers.
"""

import datetime
import logging

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext, gettext_lazy

from icnk import cache as page_cache
from icnk.audit import record_change
from icnk.mail import queue_mail
from icnk.models import MembershipPeriod, SiteSettings
from icnk.site_url import absolute_url
from members.models import MemberStatus, Organization, Supporter

logger = logging.getLogger(__name__)

REMINDER_DAYS = 30  # the reminder goes this many days before the end of the period
NEW_MONTHS = 3  # a member is "new" this long after joining (CiviCRM's default)
CALENDAR_ROLLOVER_MONTH = 10  # calendar years: joining from October on runs to the next year's end
TOKEN_SALT = "members.renewal"


class State:
    NEW = "new"
    CURRENT = "current"
    GRACE = "grace"
    LAPSED = "lapsed"
    LEFT = "left"
    SUSPENDED = "suspended"

    labels = {
        NEW: gettext_lazy("New"),
        CURRENT: gettext_lazy("Current"),
        GRACE: gettext_lazy("In its grace period"),
        LAPSED: gettext_lazy("Lapsed"),
        LEFT: gettext_lazy("Left"),
        SUSPENDED: gettext_lazy("Suspended"),
    }


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------


def add_years(day, years):
    """The same day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def first_period_end(member_since, rule):
    if rule == MembershipPeriod.CALENDAR:
        extra = 1 if member_since.month >= CALENDAR_ROLLOVER_MONTH else 0
        return datetime.date(member_since.year + extra, 12, 31)
    return add_years(member_since, 1) - datetime.timedelta(days=1)


def period_end_containing(member_since, rule, today):
    """The end of the period that contains `today`, counting periods from `member_since`."""
    end = first_period_end(member_since, rule)
    if end >= today:
        return end
    years = today.year - end.year
    end = (
        add_years(end, years)
        if rule != MembershipPeriod.CALENDAR
        else end.replace(year=end.year + years)
    )
    return end if end >= today else add_years(end, 1)


def period_end(member, *, today=None, site=None):
    """The last day of the member's current period."""
    if member.renewed_until:
        return member.renewed_until
    site = site or SiteSettings.load()
    today = today or timezone.localdate()
    return period_end_containing(member.member_since, site.membership_period, today)


def membership_state(member, *, today=None, site=None):
    """One of `State`'s values for `member` on `today`, by the rules above."""
    if member.status == MemberStatus.LEFT:
        return State.LEFT
    if member.status == MemberStatus.SUSPENDED:
        return State.SUSPENDED
    if member.status == MemberStatus.LAPSED:
        return State.LAPSED  # stays so until renewed or reinstated
    site = site or SiteSettings.load()
    today = today or timezone.localdate()
    end = period_end(member, today=today, site=site)
    if today > end + datetime.timedelta(days=site.grace_days):
        return State.LAPSED
    if today > end:
        return State.GRACE
    first_end = first_period_end(member.member_since, site.membership_period)
    new_until = _add_months(member.member_since, NEW_MONTHS)
    if end <= first_end and today < new_until:
        return State.NEW
    return State.CURRENT


def _add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def next_period_end(member, *, today=None, site=None):
    """Where a renewal today takes the period: one year past its end, or, for a member that
    has lapsed, a new period that starts today."""
    site = site or SiteSettings.load()
    today = today or timezone.localdate()
    end = period_end(member, today=today, site=site)
    if member.status == MemberStatus.LAPSED or today > end + datetime.timedelta(
        days=site.grace_days
    ):
        return first_period_end(today, site.membership_period)
    return add_years(end, 1)


# ---------------------------------------------------------------------------------------------
# Renewal links
# ---------------------------------------------------------------------------------------------


def _kind(member):
    return "o" if isinstance(member, Organization) else "s"


def _address_mark(member):
    """A keyed digest of the address the link goes to: it names no address (the signed value
    is readable), but tells whether the member's address is still that one."""
    address = (contact_address(member) or "").strip().lower()
    return salted_hmac(TOKEN_SALT, address, algorithm="sha256").hexdigest()[:16]


def make_token(member, *, end):
    """A signed link for renewing the period that ends on `end`. It names no address, and
    stops working once that period is renewed (the end moves), once the member's address
    changes (a contact handed over: the former one cannot renew), or after
    `token_max_age()`."""
    return signing.dumps(
        {"k": _kind(member), "id": member.pk, "p": end.isoformat(), "a": _address_mark(member)},
        salt=TOKEN_SALT,
    )


def token_max_age(site=None):
    site = site or SiteSettings.load()
    return datetime.timedelta(days=REMINDER_DAYS + site.grace_days + 30)


class LinkUsed(Exception):
    """The period the link was for has been renewed already."""


def read_token(token):
    """The member a renewal link is for. Raises signing.BadSignature (also when expired or for
    a member gone or departed) or LinkUsed."""
    data = signing.loads(token[:300], salt=TOKEN_SALT, max_age=token_max_age())
    model = Organization if data.get("k") == "o" else Supporter
    member = model.objects.filter(pk=data.get("id")).first()
    if member is None or member.status in (MemberStatus.LEFT, MemberStatus.SUSPENDED):
        raise signing.BadSignature("no such member")
    if isinstance(member, Supporter) and (member.taken_down_at or member.personal_data_erased_at):
        raise signing.BadSignature("no such member")
    # Links mailed before the mark existed have none; they expire with token_max_age().
    if "a" in data and not constant_time_compare(data["a"], _address_mark(member)):
        raise signing.BadSignature("sent to an address the member no longer has")
    if period_end(member).isoformat() != data.get("p"):
        raise LinkUsed
    return member


def renewal_link(member, *, end):
    language = member.language or settings.LANGUAGE_CODE
    with translation.override(language):
        path = reverse("members:renew", kwargs={"token": make_token(member, end=end)})
    return absolute_url(path)


def contact_address(member):
    return member.contact_email if isinstance(member, Organization) else member.email


def member_name(member):
    return member.name if isinstance(member, Organization) else member.full_name


# ---------------------------------------------------------------------------------------------
# Changes
# ---------------------------------------------------------------------------------------------


def _save(member, reason, user=None, fields=()):
    member._change_reason = reason[:100]
    if user is not None:
        member._history_user = user
    member.save(update_fields=[*fields, "updated_at"])


@transaction.atomic
def membership_renew(*, member, user=None, reason="", today=None, period=None):
    """Extend the membership by one period (a lapsed member becomes active again, from today).
    Returns the new end. By the member (the renewal page) or by the secretariat (`user`).

    `period`: the end of the period a renewal link was for. Raises LinkUsed if, once the member
    is locked, that period is no longer the current one: the same link clicked twice at once
    renews once (read_token checked it before the lock, when both saw it unrenewed)."""
    model = type(member)
    member = model.objects.select_for_update().get(pk=member.pk)
    today = today or timezone.localdate()
    site = SiteSettings.load()
    if period is not None and period_end(member, today=today, site=site) != period:
        raise LinkUsed
    new_end = next_period_end(member, today=today, site=site)
    member.renewed_until = new_end
    member.status = MemberStatus.ACTIVE
    member.left_on = None
    who = "Renewed by the secretariat" if user else "Renewed by the member"
    _save(
        member, f"{who}: {reason}" if reason else who, user, ["renewed_until", "status", "left_on"]
    )
    if user is not None:
        record_change(
            user,
            member,
            gettext("Membership renewed until %(date)s: %(reason)s")
            % {"date": new_end.isoformat(), "reason": reason},
        )
    return new_end


@transaction.atomic
def membership_lapse(*, member, user, reason, today=None):
    """The secretariat ends a membership now (the daily job lapses by the dates itself)."""
    model = type(member)
    member = model.objects.select_for_update().get(pk=member.pk)
    if member.status != MemberStatus.ACTIVE:
        return False
    member.status = MemberStatus.LAPSED
    member.left_on = today or timezone.localdate()
    _save(member, f"Lapsed by the secretariat: {reason}", user, ["status", "left_on"])
    record_change(user, member, gettext("Membership lapsed: %(reason)s") % {"reason": reason})
    return True


@transaction.atomic
def membership_reinstate(*, member, user, reason, today=None):
    """Undo a lapse: active again, with the period that contains today (so that tonight's job
    does not lapse it again). Renewing is the way to add a year."""
    model = type(member)
    member = model.objects.select_for_update().get(pk=member.pk)
    if member.status != MemberStatus.LAPSED:
        return False
    today = today or timezone.localdate()
    site = SiteSettings.load()
    end = member.renewed_until
    if end is None or today > end + datetime.timedelta(days=site.grace_days):
        end = period_end_containing(member.member_since, site.membership_period, today)
    member.renewed_until = end
    member.status = MemberStatus.ACTIVE
    member.left_on = None
    _save(member, f"Reinstated: {reason}", user, ["renewed_until", "status", "left_on"])
    record_change(user, member, gettext("Membership reinstated: %(reason)s") % {"reason": reason})
    return True


# ---------------------------------------------------------------------------------------------
# The daily job
# ---------------------------------------------------------------------------------------------


def _claim(model, pk, field, end):
    """Mark the mail for the period ending `end` as sent; False if it was already."""
    return (
        model.objects.filter(pk=pk, status=MemberStatus.ACTIVE)
        .exclude(**{field: end})
        .update(**{field: end})
        == 1
    )


def _mail(member, template, context):
    to = contact_address(member)
    if not to:
        return False
    queue_mail(
        to=to,
        template_prefix=f"members/email/{template}",
        context={
            "is_organization": isinstance(member, Organization),
            "member": member,
            "name": member_name(member),
            "site": SiteSettings.load(),
            **context,
        },
        language=member.language or settings.LANGUAGE_CODE,
    )
    return True


def membership_rules_apply(*, today=None):
    """Apply the rules to every active member as of `today`: remind those within
    REMINDER_DAYS of their end or in their grace period, lapse those past it. Idempotent.

    Returns {"reminded": n, "lapsed": n}.
    """
    today = today or timezone.localdate()
    site = SiteSettings.load()
    grace = datetime.timedelta(days=site.grace_days)
    done = {"reminded": 0, "lapsed": 0}
    for model in (Organization, Supporter):
        members = model.objects.filter(status=MemberStatus.ACTIVE)
        # A member with no recorded end gets the period that contains today, written down so
        # that the next run reads the same end.
        for member in members.filter(renewed_until__isnull=True).only("pk", "member_since"):
            end = period_end_containing(member.member_since, site.membership_period, today)
            model.objects.filter(pk=member.pk, renewed_until__isnull=True).update(renewed_until=end)
        for member in members.filter(renewed_until__lt=today - grace):
            with transaction.atomic():
                if not _claim(model, member.pk, "lapse_notice_for", member.renewed_until):
                    continue
                lapsed_on = member.renewed_until + grace + datetime.timedelta(days=1)
                member.status = MemberStatus.LAPSED
                member.left_on = lapsed_on
                _save(member, "Lapsed: not renewed", fields=["status", "left_on"])
                _mail(member, "lapsed", {"end": member.renewed_until, "lapsed_on": lapsed_on})
                done["lapsed"] += 1
        due = members.filter(
            renewed_until__lte=today + datetime.timedelta(days=REMINDER_DAYS),
            renewed_until__gte=today - grace,
        ).exclude(renewal_reminder_for=F("renewed_until"))
        for member in due:
            with transaction.atomic():
                if not _claim(model, member.pk, "renewal_reminder_for", member.renewed_until):
                    continue
                end = member.renewed_until
                _mail(
                    member,
                    "renewal_reminder",
                    {
                        "end": end,
                        "grace_end": end + grace,
                        "in_grace": today > end,
                        "link": renewal_link(member, end=end),
                    },
                )
                done["reminded"] += 1
    if done["lapsed"]:
        page_cache.invalidate()  # counts and lists on every page change
    if any(done.values()):
        logger.info("membership rules on %s: %s", today, done)
    return done
