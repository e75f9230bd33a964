"""Dates and datelines in templates: `{{ date|long_date }}`, `{% dateline statement %}`."""

from django import template

from statements.formatting import dateline, long_date

register = template.Library()


@register.filter(name="long_date")
def long_date_filter(value, language=None):
    return long_date(value, language)


@register.simple_tag(name="dateline")
def dateline_tag(statement):
    return dateline(statement)
