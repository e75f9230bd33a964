"""Django's own strings that this site translates again, because Django's Japanese addresses
the reader as あなた, which locale/GLOSSARY.md rules out.

Nothing needs to import this module: `make messages` reads it and puts these strings in our
catalogues, and locale/ (LOCALE_PATHS) is searched before Django's own catalogues, so ours are
the ones shown. Each string must be exactly Django's msgid, curly quotes included. (Django's
page for a refused form had one too: the site has its own, icnk/errors.py `csrf_failure`.)
"""

from django.utils.translation import gettext_noop

RETRANSLATED = (
    # The password rules, on the members' area and the admin's password forms.
    gettext_noop("Your password can’t be too similar to your other personal information."),
    # The admin.
    gettext_noop("Your password was changed."),
    gettext_noop(
        "You are authenticated as %(username)s, but are not authorized to access this page. "
        "Would you like to login to a different account?"
    ),
    gettext_noop(
        "Deleting the %(object_name)s “%(escaped_object)s” would result in deleting related "
        "objects, but your account doesn't have permission to delete the following types of "
        "objects:"
    ),
    gettext_noop(
        "Deleting the selected %(objects_name)s would result in deleting related objects, but "
        "your account doesn't have permission to delete the following types of objects:"
    ),
)
