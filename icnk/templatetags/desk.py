"""The desk's tags: times in the coalition's time zone, with the zone beside them
({% coalition_time value %}), and a refused deletion's reasons told apart from Django's
protected objects (`refusals`, `protected_objects`; icnk/deletion_refusals.py)."""

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html

from icnk.timezones import coalition_timezone, zone_abbreviation

register = template.Library()


@register.simple_tag
def coalition_time(value, format_name="DESK_DATETIME"):
    """`<time>` with the local time and the zone's short name ("1 Dec, 09:00 JST"), the zone's
    full name in its title ("Asia/Tokyo"), and the exact moment in ISO 8601 for machines."""
    if not value:
        return ""
    tz = coalition_timezone()
    local = value.astimezone(tz)
    if format_name == "DESK_DATETIME":
        # "26 November 21:06": the year only when it is not this one.
        this_year = timezone.now().astimezone(tz).year
        day = "MONTH_DAY_FORMAT" if local.year == this_year else "DATE_FORMAT"
        shown = f"{formats.date_format(local, day)} {local:%H:%M}"
    else:
        shown = formats.date_format(local, format_name)
    return format_html(
        '<time datetime="{}" title="{}">{} <span class="desk-zone">{}</span></time>',
        local.isoformat(timespec="minutes"),
        tz.key,
        shown,
        zone_abbreviation(value, tz),
    )


@register.filter
def refusals(protected):
    """The reasons among a delete page's `protected` (DeletionRefusal)."""
    return [item for item in protected if getattr(item, "is_refusal", False)]


@register.filter
def protected_objects(protected):
    """Django's protected objects among a delete page's `protected`, without the reasons."""
    return [item for item in protected if not getattr(item, "is_refusal", False)]
