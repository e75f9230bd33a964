"""The secretariat's two roles and what each may do in the admin.

The groups themselves are created by a data migration; their permissions are kept here, in one
table, and re-applied after every migrate so that a new model's permissions reach the right
role without a hand edit. Editors add, change and view; administrators may also delete and
manage staff accounts.
"""

from django.apps import apps as global_apps

EDITORS = "Secretariat editors"
ADMINISTRATORS = "Secretariat administrators"

# app label -> models whose add/change/view permissions editors get. Administrators get every
# permission of these models plus the ones in ADMIN_ONLY.
EDITOR_MODELS = {
    # The outbox and the action log are read-only records (their admins allow no add or
    # change); editors read them, and retry mail that failed.
    "admin": ["logentry"],
    "icnk": ["sitesettings", "outboundemail"],
    "members": [
        "organization",
        "supporter",
        "joinrequest",
        "visibilityrequest",
        "profilechange",
        "contacthandover",
    ],
    "statements": [
        "statement",
        "signature",
        "attachment",
        "campaign",
        "milestone",
        "topic",
        "presscontact",
    ],
    "drives": ["drive", "invitation", "answer"],
    # The press list is the secretariat's daily work, like supporters; exporting or erasing
    # a journalist's data stays with administrators (ADMIN_ONLY_CODENAMES). Editors release
    # statements to it under embargo and see who received them.
    "followers": ["announcement", "journalist", "pressrelease", "pressdelivery"],
}
ADMIN_ONLY = {
    "auth": ["user", "group"],
    "icnk": ["staffinvitation"],
    "sessions": ["session"],
    # Unlocking accounts, resetting someone's two-factor device, looking into the task queue.
    "axes": ["accessattempt", "accesslog", "accessfailurelog"],
    "otp_totp": ["totpdevice"],
    "otp_static": ["staticdevice", "statictoken"],
    "django_tasks_database": ["dbtaskresult"],
    # Subscribers' addresses are personal data: administrators only (counts are in the list).
    "followers": ["subscriber", "delivery"],
}
EDITOR_ACTIONS = ("add", "change", "view")


def _permissions(Permission, app_models, actions=None):
    found = []
    for app_label, models in app_models.items():
        qs = Permission.objects.filter(
            content_type__app_label=app_label, content_type__model__in=models
        )
        if actions is not None:
            qs = qs.filter(codename__regex=rf"^({'|'.join(actions)})_")
        found.extend(qs)
    return found


def sync_role_permissions(sender=None, apps=global_apps, **kwargs):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    administrators, _ = Group.objects.get_or_create(name=ADMINISTRATORS)
    editor_perms = _permissions(Permission, EDITOR_MODELS, EDITOR_ACTIONS)
    # Custom permissions (such as "publish") belong to editors too, unless named below.
    editor_perms += [
        p
        for p in _permissions(Permission, EDITOR_MODELS)
        if not p.codename.startswith(("add_", "change_", "view_", "delete_"))
        and p.codename not in ADMIN_ONLY_CODENAMES
    ]
    editors.permissions.set(editor_perms)
    administrators.permissions.set(
        _permissions(Permission, EDITOR_MODELS) + _permissions(Permission, ADMIN_ONLY)
    )


# Custom permissions on editor models that only administrators hold.
ADMIN_ONLY_CODENAMES = {"takedown_supporter", "export_personal_data", "erase_personal_data"}
