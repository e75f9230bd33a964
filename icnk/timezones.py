"""The coalition's time zone: where the secretariat works, a site setting.

Every time in the admin is shown, and every time typed into it is read, in this zone: the
middleware below activates it for each admin request, so Django's own date widgets, list
columns and templates follow it without any code of their own. Other code asks
`coalition_timezone()`; a template shows the zone beside a time with `{% coalition_time %}`
(icnk/templatetags/desk.py).

The zone lives in SiteSettings (one record, cached), not in settings.TIME_ZONE, so that a
coalition whose secretariat moves from Tokyo to Seoul or London changes it in the admin. The
database keeps every time in UTC whatever the zone, so changing it moves nothing.
"""

import datetime
import zoneinfo
from functools import cache

from django.conf import settings
from django.utils import timezone


@cache
def time_zone_names():
    """Every IANA zone this machine knows, sorted ("Africa/Abidjan" … "UTC")."""
    return sorted(
        name
        for name in zoneinfo.available_timezones()
        # Legacy aliases ("Japan", "ROK", "posixrules") only confuse a choice list.
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "posix/", "right/"))
    ) + ["UTC"]


def time_zone_choices():
    """The field's choices: a callable, so migrations refer to it instead of copying 600 names
    that change with each release of the time zone database."""
    return [(name, name.replace("_", " ")) for name in time_zone_names()]


def coalition_timezone():
    """The coalition's zone as a tzinfo; settings.TIME_ZONE until staff choose another."""
    from icnk.models import SiteSettings

    name = SiteSettings.load().time_zone or settings.TIME_ZONE
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def zone_abbreviation(value=None, tz=None):
    """The zone's short name at that moment ("JST", "BST"), or its offset ("UTC+09:00") where
    the time zone database has no letters for it (Seoul's is "KST", but many are "+05")."""
    tz = tz or coalition_timezone()
    value = value or timezone.now()
    local = value.astimezone(tz)
    name = local.tzname() or ""
    if name and name[0] not in "+-":
        return name
    return f"UTC{utc_offset(local)}"


def utc_offset(local):
    offset = local.utcoffset() or datetime.timedelta(0)
    sign = "-" if offset < datetime.timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


class CoalitionTimezoneMiddleware:
    """Admin pages read and show times in the coalition's zone, not the server's or UTC."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_URL

    def __call__(self, request):
        if not request.path.startswith(self.admin_prefix):
            return self.get_response(request)
        timezone.activate(coalition_timezone())
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
