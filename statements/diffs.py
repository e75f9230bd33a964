"""Side-by-side differences between two versions of a statement's text, for the admin.

Python's own difflib.HtmlDiff draws them: it is kept with the language, marks the changed words
inside a changed line, and escapes the text it is given (`&`, `<`, `>`), so a statement body can
hold any markup without it reaching the admin page as markup. Only the column headings it takes
are not escaped by it: they are escaped here. Long lines (a Markdown paragraph is one line)
wrap between words in the browser, and unchanged stretches are folded away around the
changes.
"""

import difflib
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe

# Unchanged lines kept around each change.
CONTEXT_LINES = 2


@dataclass(frozen=True)
class FieldDiff:
    name: str
    label: str
    table: str  # safe HTML


def _lines(value):
    if value is None:
        return [""]
    return str(value).splitlines() or [""]


def diff_table(old, new, *, old_heading, new_heading):
    """A side-by-side table of `old` against `new`, safe to put on a page."""
    differ = difflib.HtmlDiff(tabsize=4)
    table = differ.make_table(
        _lines(old),
        _lines(new),
        fromdesc=escape(old_heading),
        todesc=escape(new_heading),
        context=True,
        numlines=CONTEXT_LINES,
    )
    # difflib keeps spaces as &nbsp;, which would stop the browser wrapping a long line between
    # words (the stylesheet keeps them with `white-space: pre-wrap`). An escaped "&nbsp;" in
    # the text itself reads "&amp;nbsp;" here and is left alone.
    table = table.replace("&nbsp;", " ")
    return mark_safe(table)  # noqa: S308 – every text in it was escaped (see the docstring)


def field_diffs(old, new, fields, *, old_heading, new_heading, display=None):
    """A FieldDiff for each of `fields` (model field names) whose value differs between `old`
    and `new` (model instances or historical records). `display(instance, name)` turns a
    value into text; by default the value itself."""
    display = display or (lambda instance, name: getattr(instance, name))
    diffs = []
    for name in fields:
        before, after = display(old, name), display(new, name)
        if (before or "") == (after or ""):
            continue
        label = new._meta.get_field(name).verbose_name
        diffs.append(
            FieldDiff(
                name=name,
                label=str(label),
                table=diff_table(before, after, old_heading=old_heading, new_heading=new_heading),
            )
        )
    return diffs
