"""When a statement is or will be public, said as the secretariat reads it: relatively and
absolutely, in the coalition's time zone ("in 3 hours, at 09:00 on 1 December 2026, Asia/Tokyo
time"), in the admin's language.

The time zone is Django's current one: the coalition's, once the admin activates it for the
request (the site setting), else settings.TIME_ZONE.
"""

import datetime

from django.utils import dateformat, timezone
from django.utils.timesince import timeuntil
from django.utils.translation import gettext

from icnk.i18n import current_language
from statements.formatting import LONG_DATE


def _moment(at):
    local = timezone.localtime(at)
    language = current_language()
    return {
        "date": dateformat.format(local, LONG_DATE.get(language, LONG_DATE["en"])),
        "time": dateformat.format(local, "H:i"),
        "zone": timezone.get_current_timezone_name(),
    }


def when_public(at, *, now=None):
    """ "in 3 hours, at 09:00 on 1 December 2026, Asia/Tokyo time", or "at once" for a time
    that has come."""
    now = now or timezone.now()
    moment = _moment(at)
    if at <= now:
        return (
            gettext("at once, dated %(time)s on %(date)s, %(zone)s time") % moment
            if (now - at).total_seconds() > 60
            else gettext("at once, at %(time)s on %(date)s, %(zone)s time") % moment
        )
    # Counted from the nearest minute, as a person says it: 09:00 seen at 05:59:40 is "in 3
    # hours", not "in 3 hours, 0 minutes" or "2 hours, 59 minutes".
    start = (now + datetime.timedelta(seconds=30)).replace(second=0, microsecond=0)
    return gettext("in %(delta)s, at %(time)s on %(date)s, %(zone)s time") % {
        **moment,
        "delta": timeuntil(at, min(start, at)),
    }


def publication_sentence(statement, *, now=None):
    """The statement's state in one line: "Scheduled: public in 3 hours, at …"."""
    from statements.models import Statement

    now = now or timezone.now()
    state = statement.state
    if state == Statement.State.SCHEDULED:
        return gettext("Scheduled: public %(when)s.") % {
            "when": when_public(statement.published_at, now=now)
        }
    if state == Statement.State.PUBLISHED:
        return gettext("Published at %(time)s on %(date)s, %(zone)s time.") % _moment(
            statement.published_at
        )
    if state == Statement.State.UNPUBLISHED:
        return gettext(
            "Unpublished: readers no longer see it (first published on %(date)s)."
        ) % _moment(statement.published_at)
    return gettext("Draft: readers cannot see it.")
