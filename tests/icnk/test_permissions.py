"""Who may do what in the admin: anonymous, editor, administrator × every admin model.

Every model registered in the admin is visited through its real pages (list, add, change,
delete), the way a person with that role would. What a model allows *by design* (an admin
class that turns "add" off for everyone, say) is read from a superuser; on top of that:

- anonymous readers are sent to the sign-in page, whatever they ask for;
- editors view, add and change the coalition's content and never delete anything, and they
  cannot open staff accounts, sign-in records, two-factor devices or the task queue at all;
- administrators may do everything the design allows.
"""

import datetime
import uuid

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from icnk.roles import ADMINISTRATORS, EDITOR_MODELS, EDITORS
from tests.factories import login_with_two_factor, make_staff

pytestmark = pytest.mark.django_db

ACTIONS = ["view", "add", "change", "delete"]
MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label_lower)
# Actions in a changelist's drop-down that only administrators may run.
ADMINISTRATOR_ACTIONS = {"take_down", "export_personal_data", "erase_personal_data"}


@pytest.fixture
def demo(db):
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115


def one_of(model):
    """A row to open the change and delete pages of; made when the demo has none."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from followers.models import Announcement, PressRelease, Subscriber
    from icnk.audit import record_change
    from icnk.mail import deliver_email
    from icnk.models import OutboundEmail, SiteSettings, StaffInvitation
    from members.models import (
        ContactHandover,
        JoinRequest,
        Organization,
        ProfileChange,
        Supporter,
        VisibilityRequest,
    )
    from statements.models import Statement, Topic

    existing = model._default_manager.order_by("pk").first()
    if existing is not None:
        return existing
    other, _created = User.objects.get_or_create(username="someone-else")
    client_details = {
        "user_agent": "test",
        "ip_address": "203.0.113.9",
        "username": "someone-else",
        "http_accept": "text/html",
        "path_info": "/admin/login/",
    }
    makers = {
        "auth.user": lambda: other,
        "axes.accessattempt": lambda: AccessAttempt.objects.create(
            **client_details, get_data="", post_data="", failures_since_start=3
        ),
        "axes.accesslog": lambda: AccessLog.objects.create(**client_details),
        "axes.accessfailurelog": lambda: AccessFailureLog.objects.create(**client_details),
        "otp_totp.totpdevice": lambda: TOTPDevice.objects.create(user=other, name="phone"),
        "otp_static.staticdevice": lambda: StaticDevice.objects.create(user=other, name="codes"),
        "icnk.staffinvitation": lambda: StaffInvitation.objects.create(
            email="invited@example.org",
            token_hash="0" * 64,
            expires_at=timezone.now() + datetime.timedelta(days=7),
        ),
        "members.joinrequest": lambda: JoinRequest.objects.create(
            kind=JoinRequest.Kind.INDIVIDUAL, name="Aiko Tanaka", email="aiko@example.jp"
        ),
        "members.profilechange": lambda: ProfileChange.objects.create(
            organization=Organization.objects.order_by("pk").first(),
            proposed={"description_en": "A proposed description."},
            requested_by="contact@example.org",
        ),
        "members.contacthandover": lambda: ContactHandover.objects.create(
            organization=Organization.objects.order_by("pk").first(),
            new_name="Lee Soo-jin",
            new_email="soojin@example.org",
            token_hash="1" * 64,
            expires_at=timezone.now() + datetime.timedelta(days=7),
        ),
        "members.visibilityrequest": lambda: VisibilityRequest.objects.create(
            supporter=Supporter.objects.create(full_name="Aiko Tanaka"),
            visibility_before="hidden",
            visibility="full_name",
            consent_text="[wording]",
        ),
        "statements.topic": lambda: Topic.objects.create(
            **{f.name: f"Topic {f.name}" for f in Topic._meta.fields if f.name.startswith("name")}
        ),
        "icnk.outboundemail": lambda: OutboundEmail.objects.create(
            to="aiko@example.jp", subject="Welcome", body="Hello"
        ),
        # About a record editors may see (the log shows each person only those).
        "admin.logentry": lambda: (
            record_change(other, SiteSettings.load(), "Changed the mission")
            or model._default_manager.order_by("pk").first()
        ),
        "followers.subscriber": lambda: Subscriber.objects.create(
            email="reader@example.org", language="en"
        ),
        "followers.announcement": lambda: Announcement.objects.create(
            translation_key=uuid.uuid4(), title="A statement"
        ),
        "followers.pressrelease": lambda: PressRelease.objects.create(
            statement=Statement.objects.order_by("pk").first(),
            translation_key=uuid.uuid4(),
            title="A statement",
            embargo_until=timezone.now(),
        ),
        "django_tasks_database.dbtaskresult": lambda: (
            deliver_email.enqueue(0) and model._default_manager.order_by("pk").first()
        ),
    }
    label = model._meta.label_lower
    assert label in makers, f"no row of {label} to test with: add one to one_of()"
    return makers[label]()


def designed(model, obj):
    """What the admin allows at all, as a superuser sees it."""
    superuser = User(username="root", is_superuser=True, is_staff=True, is_active=True)
    request = RequestFactory().get("/")
    request.user = superuser
    model_admin = admin.site._registry[model]
    return {
        "view": model_admin.has_view_permission(request, obj),
        "add": model_admin.has_add_permission(request),
        "change": model_admin.has_change_permission(request, obj),
        "delete": model_admin.has_delete_permission(request, obj),
    }


def is_content(model):
    return model._meta.model_name in EDITOR_MODELS.get(model._meta.app_label, [])


def expected(role, model, obj):
    allowed = designed(model, obj)
    if role == "administrator":
        return allowed
    if not is_content(model):
        return dict.fromkeys(ACTIONS, False)
    return {**allowed, "delete": False}


def urls(model, obj):
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    return {
        "view": reverse(f"{prefix}_changelist"),
        "add": reverse(f"{prefix}_add"),
        "change": reverse(f"{prefix}_change", args=[obj.pk]),
        "delete": reverse(f"{prefix}_delete", args=[obj.pk]),
    }


def sign_in(client, role):
    if role == "editor":
        user = make_staff("eve-editor", EDITORS)
        login_with_two_factor(client, user)
    elif role == "administrator":
        user = make_staff("ada-administrator", ADMINISTRATORS)
        login_with_two_factor(client, user)
    return client


def what_the_user_can_do(client, model, obj):
    """Open the four pages and read off what the person was allowed to do."""
    pages = urls(model, obj)
    seen = {}
    for action in ("view", "add", "delete"):
        response = client.get(pages[action])
        assert response.status_code in (200, 403), (action, response.status_code)
        seen[action] = response.status_code == 200
    response = client.get(pages["change"])
    assert response.status_code in (200, 403), ("change", response.status_code)
    # With only "view", the change page is shown read-only, without a Save button.
    # (The statement form's "Save draft" keeps the editor on the page: "_continue".)
    html = response.content.decode()
    seen["change"] = response.status_code == 200 and (
        'name="_save"' in html or 'name="_continue"' in html
    )
    return seen


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label_lower)
def test_anonymous_readers_are_sent_to_sign_in_for_every_admin_page(client, demo, model):
    obj = one_of(model)
    login = reverse("admin:login")
    for action, url in urls(model, obj).items():
        response = client.get(url)
        assert response.status_code == 302, action
        assert response["Location"].startswith(f"{login}?next="), action
    response = client.post(urls(model, obj)["delete"], {"post": "yes"})
    assert response.status_code == 302
    assert model._default_manager.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("role", ["editor", "administrator"])
@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label_lower)
def test_staff_can_do_exactly_what_their_role_allows(client, demo, role, model):
    sign_in(client, role)
    obj = one_of(model)
    assert what_the_user_can_do(client, model, obj) == expected(role, model, obj)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label_lower)
def test_an_editor_cannot_delete_even_by_posting_the_confirmation(client, demo, model):
    sign_in(client, "editor")
    obj = one_of(model)
    response = client.post(urls(model, obj)["delete"], {"post": "yes"})
    assert response.status_code == 403
    assert model._default_manager.filter(pk=obj.pk).exists()


def test_editors_have_something_to_do_and_administrators_more():
    """Guards the matrix itself: the role table names real, registered models."""
    content = [model for model in MODELS if is_content(model)]
    assert {model._meta.label_lower for model in content} >= {
        "members.organization",
        "members.supporter",
        "members.joinrequest",
        "statements.statement",
        "statements.campaign",
        "icnk.sitesettings",
    }
    assert User in MODELS


# ---------------------------------------------------------------------------------------------
# Administrator-only actions: take-down, personal-data export and erasure
# ---------------------------------------------------------------------------------------------


def offered_actions(client, model):
    html = client.get(urls(model, one_of(model))["view"]).content.decode()
    return {name for name in ADMINISTRATOR_ACTIONS if f'<option value="{name}"' in html}


def models_with_administrator_actions():
    return [
        model
        for model, model_admin in admin.site._registry.items()
        if ADMINISTRATOR_ACTIONS & set(model_admin.actions or [])
    ]


def test_take_down_and_personal_data_actions_are_offered_to_administrators_only(client, demo):
    from members.models import Supporter

    models = models_with_administrator_actions()
    assert Supporter in models
    sign_in(client, "editor")
    for model in models:
        assert offered_actions(client, model) == set(), model
    client.logout()
    sign_in(client, "administrator")
    for model in models:
        declared = ADMINISTRATOR_ACTIONS & set(admin.site._registry[model].actions)
        assert offered_actions(client, model) == declared, model


def test_an_editor_posting_the_take_down_action_changes_nothing(client, demo):
    from members.models import Supporter, Visibility

    supporter = Supporter.objects.create(full_name="Named Person", visibility=Visibility.FULL_NAME)
    sign_in(client, "editor")
    changelist = reverse("admin:members_supporter_changelist")
    response = client.post(
        changelist, {"action": "take_down", "_selected_action": [supporter.pk]}, follow=True
    )
    assert response.status_code == 200
    supporter.refresh_from_db()
    assert supporter.visibility == Visibility.FULL_NAME
    assert supporter.taken_down_at is None


def test_an_administrator_takes_a_person_down_from_the_changelist(client, demo):
    from members.models import Supporter, Visibility

    supporter = Supporter.objects.create(full_name="Named Person", visibility=Visibility.FULL_NAME)
    sign_in(client, "administrator")
    changelist = reverse("admin:members_supporter_changelist")
    response = client.post(
        changelist, {"action": "take_down", "_selected_action": [supporter.pk]}, follow=True
    )
    assert response.status_code == 200
    supporter.refresh_from_db()
    assert supporter.visibility == Visibility.HIDDEN
    assert supporter.taken_down_at is not None
    assert "Named Person" not in client.get("/en/members/").content.decode()


def test_admin_login_address_comes_from_settings():
    assert reverse("admin:login") == f"/{settings.ADMIN_URL}login/"


def test_only_administrators_change_the_coalitions_contact_address(client, demo):
    from icnk.models import SiteSettings

    site = SiteSettings.objects.get()
    url = reverse("admin:icnk_sitesettings_change", args=[site.pk])
    form = {
        field.name: getattr(site, field.name) or ""
        for field in SiteSettings._meta.fields
        if field.name not in ("id", "updated_at")
    }
    form["founded_on"] = site.founded_on.isoformat() if site.founded_on else ""
    hijacked = {**form, "contact_email": "attacker@evil.example", "short_name": "ICNK-2"}

    sign_in(client, "editor")
    page = client.get(url).content.decode()
    assert site.contact_email in page and 'name="contact_email"' not in page
    assert client.post(url, hijacked).status_code == 302
    site.refresh_from_db()
    assert site.short_name == "ICNK-2"  # the rest of the record stays the editors'
    assert site.contact_email != "attacker@evil.example"

    client.logout()
    sign_in(client, "administrator")
    assert 'name="contact_email"' in client.get(url).content.decode()
    assert client.post(url, {**form, "contact_email": "new@icnk.example.org"}).status_code == 302
    site.refresh_from_db()
    assert site.contact_email == "new@icnk.example.org"
