from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def snapshot():
    """Every row of every project model, as values, to compare two states of the database."""
    rows = {}
    for app_label in ("icnk", "members", "statements", "drives"):
        for model in apps.get_app_config(app_label).get_models():
            rows[model._meta.label] = sorted(map(repr, model.objects.values_list()))
    return rows


def test_load_demo_twice_changes_nothing(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    first = snapshot()
    assert first["icnk.SiteSettings"], "the demo coalition's details were not loaded"
    call_command("load_demo", stdout=StringIO())
    assert snapshot() == first


def files_under(folder):
    return {(p, p.stat().st_mtime_ns) for p in Path(folder).rglob("*")}


def test_loading_the_demo_in_a_test_leaves_the_projects_media_untouched(settings):
    project_media = Path(settings.BASE_DIR) / "media"
    before = files_under(project_media)
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    assert files_under(project_media) == before
    assert list(Path(settings.MEDIA_ROOT).rglob("*.png")), "the demo's logos were written nowhere"


def test_load_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo")


def test_role_groups_exist_with_different_powers():
    editors = Group.objects.get(name="Secretariat editors")
    administrators = Group.objects.get(name="Secretariat administrators")
    editor_perms = set(editors.permissions.values_list("codename", flat=True))
    admin_perms = set(administrators.permissions.values_list("codename", flat=True))
    assert "change_sitesettings" in editor_perms
    assert "delete_user" not in editor_perms
    assert {"change_sitesettings", "add_user", "change_user", "delete_user"} <= admin_perms


def test_demo_logins_are_created_then_reset(settings, capsys):
    settings.DEBUG = True
    call_command("ensure_demo_admin", password="a-first-password-1")
    call_command("ensure_demo_admin", password="a-second-password-2")
    out = capsys.readouterr().out
    assert "editor         username: editor" in out
    assert "otpauth://totp/" in out
    from django.contrib.auth.models import User

    admin = User.objects.get(username="admin")
    assert admin.check_password("a-second-password-2")
    assert not admin.check_password("a-first-password-1")
    editor = User.objects.get(username="editor")
    assert editor.check_password("a-second-password-2")
    assert editor.groups.filter(name="Secretariat editors").exists()


def test_demo_editor_gets_a_two_factor_secret_too(settings, capsys):
    from django.contrib.auth.models import User
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.DEBUG = True
    call_command("ensure_demo_admin", password="a-first-password-1")
    out = capsys.readouterr().out
    editor_part = out.split("editor         username:")[1].split("administrator")[0]
    device = TOTPDevice.objects.get(user=User.objects.get(username="editor"))
    assert device.config_url in editor_part
    assert out.count("otpauth://totp/") == 2


def test_prepare_demo_loads_the_coalition_and_prints_the_logins_and_the_sign_link(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("prepare_demo", stdout=out)
    text = out.getvalue()
    assert "Demo coalition loaded." in text
    assert "administrator  username: admin" in text and text.count("otpauth://totp/") == 2
    assert "/sign/" in text
    assert snapshot()["icnk.SiteSettings"]


def test_prepare_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("prepare_demo")
