"""Text that a spreadsheet would run: cells starting with =, +, -, @ (or a tab or return).

A value typed into the join form reaches the secretariat's CSV and XLSX exports; opened in a
spreadsheet, `=HYPERLINK(…)` or `=WEBSERVICE(…)` would run as a formula (OWASP "CSV injection").
Exports prefix such a cell with an apostrophe, which spreadsheets show as text and do not
display; imports take that apostrophe off again, so a round trip changes nothing.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value):
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def escape_formula(value):
    return "'" + value if looks_like_formula(value) else value


def unescape_formula(value):
    if isinstance(value, str) and value.startswith("'") and looks_like_formula(value[1:]):
        return value[1:]
    return value
