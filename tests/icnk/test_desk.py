"""The secretariat's desk: the admin's front page, its sections, the coalition's time zone
and the outbox with "Retry now"."""

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from icnk.models import OutboundEmail, SiteSettings
from icnk.roles import ADMINISTRATORS, EDITORS
from tests.factories import login_with_two_factor, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def editor(client):
    login_with_two_factor(client, make_staff("eve-editor", EDITORS))
    return client


@pytest.fixture
def administrator(client):
    login_with_two_factor(client, make_staff("ada-administrator", ADMINISTRATORS))
    return client


def text(response):
    page = re.sub(r"<[^>]+>", " ", response.content.decode()).replace("\xa0", " ")
    return re.sub(r"\s+", " ", page)


def sections(response):
    return [app["name"] for app in response.context["available_apps"]]


def panel(response, key):
    return next((p for p in response.context["panels"] if p["key"] == key), None)


# ---------------------------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------------------------


def test_an_editor_sees_the_secretariats_sections_and_no_system(editor, demo):
    response = editor.get(reverse("admin:index"))
    assert response.status_code == 200
    assert sections(response) == [
        "Statements and campaigns",
        "Members",
        "Requests",
        "Staff and security",
        "Settings",
    ]
    # Editors read the action log; staff accounts and roles are the administrators'.
    staff = response.context["available_apps"][3]
    assert [model["object_name"] for model in staff["models"]] == ["LogEntry"]
    page = text(response)
    for framework in ["Access attempts", "TOTP devices", "Task results", "System"]:
        assert framework not in page
    requests = response.context["available_apps"][2]
    assert [model["object_name"] for model in requests["models"]] == [
        "JoinRequest",
        "OutboundEmail",
        "VisibilityRequest",
        "ProfileChange",
        "ContactHandover",
    ]
    # Announcements to followers beside the statements; subscribers' addresses are the
    # administrators' only.
    members = response.context["available_apps"][1]
    assert [model["object_name"] for model in members["models"]] == [
        "Organization",
        "Supporter",
        "Journalist",
    ]
    statements = response.context["available_apps"][0]
    assert "Announcement" in [model["object_name"] for model in statements["models"]]
    # Releases to the press under embargo too: editors release them and see who got them.
    assert "PressRelease" in [model["object_name"] for model in statements["models"]]


def test_an_administrator_also_sees_staff_and_the_system_tables_last(administrator, demo):
    response = administrator.get(reverse("admin:index"))
    assert sections(response) == [
        "Statements and campaigns",
        "Members",
        "Requests",
        "Staff and security",
        "Settings",
        "System",
    ]
    system = response.context["available_apps"][-1]
    labels = {f"{m['object_name']}" for m in system["models"]}
    assert {"AccessAttempt", "TOTPDevice", "StaticDevice", "DBTaskResult"} <= labels
    members = response.context["available_apps"][1]
    assert [m["object_name"] for m in members["models"]] == [
        "Organization",
        "Supporter",
        "Subscriber",
        "Journalist",
    ]
    staff = response.context["available_apps"][3]
    assert [m["object_name"] for m in staff["models"]] == [
        "User",
        "StaffInvitation",
        "Group",
        "LogEntry",
    ]


def test_a_section_has_its_own_page_and_the_system_one_is_for_administrators(
    editor, administrator, demo
):
    # Both fixtures share one client: the administrator signed in last.
    url = reverse("admin:desk-section", args=["system"])
    assert administrator.get(url).status_code == 200
    administrator.logout()
    login_with_two_factor(administrator, make_staff("eve-2", EDITORS))
    assert administrator.get(url).status_code == 404
    assert administrator.get(reverse("admin:desk-section", args=["members"])).status_code == 200


# ---------------------------------------------------------------------------------------------
# Panels
# ---------------------------------------------------------------------------------------------


def test_the_desk_shows_what_waits_with_counts_ages_and_links(editor, demo):
    from members.models import JoinRequest
    from statements.models import Statement

    now = timezone.now()
    waiting = JoinRequest.objects.create(
        kind=JoinRequest.Kind.INDIVIDUAL,
        name="Aiko Tanaka",
        email="aiko@example.jp",
        status=JoinRequest.Status.PENDING,
        submitted_at=now - datetime.timedelta(days=3, hours=2),
        verified_at=now - datetime.timedelta(days=3),
    )
    original = Statement.objects.filter(translation_of__isnull=True).first()
    scheduled = Statement.objects.create(
        title="On the anniversary of the COI report",
        slug="coi-anniversary",
        language="en",
        body="Text.",
        status=Statement.Status.PUBLISHED,
        published_at=now + datetime.timedelta(hours=3),
    )
    draft = Statement.objects.create(title="A draft", slug="a-draft", language="en", body="x")
    OutboundEmail.objects.create(
        to="gone@example.org", subject="Welcome", body="b", status="failed", attempts=12
    )
    OutboundEmail.objects.create(to="ok@example.org", subject="Fine", body="b", status="sent")

    response = editor.get(reverse("admin:index"))
    requests = panel(response, "join-requests")
    assert requests["count"] >= 1
    row = next(r for r in requests["rows"] if r.label == "Aiko Tanaka")
    assert row.age.replace("\xa0", " ") == "waiting 3 days"
    assert row.url == reverse("admin:members_joinrequest_change", args=[waiting.pk])
    assert requests["see_all_url"].endswith("?review=pending")

    assert [r.label for r in panel(response, "scheduled")["rows"]] == [scheduled.title]
    assert panel(response, "scheduled")["rows"][0].age.replace("\xa0", " ") in (
        "in 3 hours",
        "in 2 hours",
    )
    assert draft.title in [r.label for r in panel(response, "drafts")["rows"]]
    outbox = panel(response, "outbox")
    assert outbox["count"] == 1 and outbox["rows"][0].label == "Welcome"
    assert original is not None
    page = text(response)
    assert "Aiko Tanaka" in page and "waiting 3 days" in page
    assert "JST" in page and "Asia/Tokyo" in page
    # Every "see all" link opens its list without an error.
    for built in response.context["panels"]:
        listed = editor.get(built["see_all_url"])
        assert listed.status_code == 200, built["key"]
        assert "?e=1" not in listed.get("Location", ""), built["key"]


def test_panels_count_all_rows_but_list_a_few(editor, demo):
    from statements.models import Statement

    Statement.objects.bulk_create(
        Statement(title=f"Draft {i}", slug=f"draft-{i}", language="en", body="x") for i in range(9)
    )
    drafts = panel(editor.get(reverse("admin:index")), "drafts")
    assert drafts["count"] == Statement.objects.filter(status="draft").count() >= 9
    assert len(drafts["rows"]) == 5


def test_a_translation_edited_before_its_original_changed_is_listed(editor, demo):
    from statements.models import Statement

    translation = Statement.objects.filter(translation_of__isnull=False).first()
    original = translation.translation_of
    Statement.objects.filter(pk=translation.pk).update(
        updated_at=original.updated_at - datetime.timedelta(days=2)
    )
    response = editor.get(reverse("admin:index"))
    outdated = panel(response, "outdated-translations")
    assert translation.title in [row.label for row in outdated["rows"]]
    listed = editor.get(outdated["see_all_url"])
    assert translation.title in listed.content.decode()


def test_the_desk_costs_a_fixed_number_of_queries(editor, demo, django_assert_num_queries):
    from members.models import MemberStatus, Organization
    from statements.models import Statement

    editor.get(reverse("admin:index"))
    # Session, user, two-factor device, the permissions (2), one query a panel (14: the
    # statements' 4, join requests, profile changes, visibility requests, press list requests,
    # members expiring soon, recently lapsed, recently left, drives in progress, the outbox and
    # the action log) and one to know whether the site settings may be added: 20, whatever
    # waits on the desk.
    with django_assert_num_queries(20):
        editor.get(reverse("admin:index"))
    Statement.objects.bulk_create(
        Statement(title=f"Draft {i}", slug=f"more-{i}", language="en", body="x") for i in range(40)
    )
    today = timezone.localdate()
    Organization.objects.bulk_create(
        Organization(
            name=f"Lapsed {i}",
            slug=f"lapsed-{i}",
            status=MemberStatus.LAPSED,
            member_since=today - datetime.timedelta(days=800),
            left_on=today - datetime.timedelta(days=i),
        )
        for i in range(20)
    )
    with django_assert_num_queries(20):
        editor.get(reverse("admin:index"))


def test_a_panel_the_person_cannot_view_is_not_shown(client, demo):
    from django.contrib.auth.models import Permission

    user = make_staff("nora", EDITORS)
    user.groups.clear()
    user.user_permissions.add(Permission.objects.get(codename="view_statement"))
    login_with_two_factor(client, user)
    keys = [p["key"] for p in client.get(reverse("admin:index")).context["panels"]]
    assert "drafts" in keys
    assert "join-requests" not in keys and "outbox" not in keys and "staff-changes" not in keys


def test_the_action_log_panel_shows_editors_only_records_they_may_see(client, demo):
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.auth.models import User

    from icnk.audit import record_change

    ada = make_staff("ada", ADMINISTRATORS)
    record_change(ada, User.objects.get(username="ada"), "Made an administrator")
    site = SiteSettings.objects.get()
    record_change(ada, site, "Changed the mission")
    login_with_two_factor(client, make_staff("eve", EDITORS))
    rows = panel(client.get(reverse("admin:index")), "staff-changes")["rows"]
    labels = [row.label for row in rows]
    assert str(site) in labels
    assert "ada" not in labels
    assert LogEntry.objects.filter(action_flag=CHANGE).count() >= 2


# ---------------------------------------------------------------------------------------------
# The coalition's time zone
# ---------------------------------------------------------------------------------------------


def test_admin_times_follow_the_coalitions_time_zone(administrator, demo):
    email = OutboundEmail.objects.create(to="a@example.org", subject="Hello", body="b")
    OutboundEmail.objects.filter(pk=email.pk).update(
        created_at=datetime.datetime(2026, 11, 30, 0, 30, tzinfo=datetime.UTC)
    )
    url = reverse("admin:icnk_outboundemail_changelist")
    assert "09:30" in text(administrator.get(url))  # Tokyo, UTC+9, the default

    site = SiteSettings.objects.get()
    site.time_zone = "Europe/London"
    site.save()
    page = text(administrator.get(url))
    assert "00:30" in page and "09:30" not in page
    # …and the desk says which zone it is in.
    assert "Europe/London" in text(administrator.get(reverse("admin:index")))


def test_only_administrators_change_the_time_zone(editor, demo):
    site = SiteSettings.objects.get()
    page = editor.get(reverse("admin:icnk_sitesettings_change", args=[site.pk])).content
    assert b'name="time_zone"' not in page
    assert b"Asia/Tokyo" in page


def test_an_administrator_chooses_the_zone_from_a_list_and_a_made_up_one_is_refused(
    administrator, demo
):
    site = SiteSettings.objects.get()
    url = reverse("admin:icnk_sitesettings_change", args=[site.pk])
    assert '<option value="Asia/Seoul">Asia/Seoul</option>' in administrator.get(url).text
    form = {
        field.name: getattr(site, field.name) or ""
        for field in SiteSettings._meta.fields
        if field.name not in ("id", "updated_at")
    }
    form["founded_on"] = site.founded_on.isoformat() if site.founded_on else ""
    response = administrator.post(url, {**form, "time_zone": "Mars/Olympus_Mons"})
    assert response.status_code == 200
    assert "Select a valid choice." in text(response)
    assert SiteSettings.objects.get().time_zone == "Asia/Tokyo"
    assert administrator.post(url, {**form, "time_zone": "Asia/Seoul"}).status_code == 302
    assert SiteSettings.load().time_zone == "Asia/Seoul"


# ---------------------------------------------------------------------------------------------
# The outbox
# ---------------------------------------------------------------------------------------------


def queue_failed():
    from icnk.mail import queue_mail

    # The demo's own mail (a sign-on drive's invitations) has gone out: only this one is left.
    OutboundEmail.objects.update(status=OutboundEmail.Status.SENT)

    email = queue_mail(
        to="someone@example.org",
        template_prefix="join/email/welcome",
        context={"join_request": {"name": "Someone"}, "member": None, "site": SiteSettings.load()},
    )
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()
    OutboundEmail.objects.filter(pk=email.pk).update(status="failed", attempts=12)
    return email


# The real worker closes its database connection as a deployed one does: on PostgreSQL that
# needs a test of its own transactions (SQLite keeps its in-memory connection open).
@pytest.mark.django_db(transaction=True)
def test_retry_now_sends_a_failed_message_once(editor, demo, run_worker):
    email = queue_failed()
    change = reverse("admin:icnk_outboundemail_change", args=[email.pk])
    assert "Retry now" in editor.get(change).content.decode()
    retry = reverse("admin:icnk_outboundemail_retry", args=[email.pk])
    assert editor.get(retry).status_code == 405  # a link in mail or a prefetch does nothing
    response = editor.post(retry, follow=True)
    assert "1 message will be sent again now." in text(response)
    run_worker()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1
    # A second press, or the action on the list, sends nothing more.
    response = editor.post(retry, follow=True)
    assert "left alone" in text(response)
    changelist = reverse("admin:icnk_outboundemail_changelist")
    editor.post(changelist, {"action": "retry_now", "_selected_action": [email.pk]})
    run_worker()
    assert len(mail.outbox) == 1
    assert "Retry now" not in editor.get(change).content.decode().split("object-tools")[1][:400]


# The real worker closes its database connection as a deployed one does: on PostgreSQL that
# needs a test of its own transactions (SQLite keeps its in-memory connection open).
@pytest.mark.django_db(transaction=True)
def test_retrying_a_message_waiting_for_its_back_off_keeps_one_task(editor, demo, run_worker):
    from django_tasks_db.models import DBTaskResult

    from icnk.mail import deliver_email

    email = queue_failed()
    OutboundEmail.objects.filter(pk=email.pk).update(status="queued", attempts=3)
    deliver_email.using(run_after=timezone.now() + datetime.timedelta(hours=2)).enqueue(email.pk)
    changelist = reverse("admin:icnk_outboundemail_changelist")
    editor.post(changelist, {"action": "retry_now", "_selected_action": [email.pk]})
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    run_worker()
    assert len(mail.outbox) == 1


# The real worker closes its database connection as a deployed one does: on PostgreSQL that
# needs a test of its own transactions (SQLite keeps its in-memory connection open).
@pytest.mark.django_db(transaction=True)
def test_a_message_being_sent_is_not_retried(editor, demo, run_worker):
    email = queue_failed()
    OutboundEmail.objects.filter(pk=email.pk).update(status="sending", claimed_at=timezone.now())
    retry = reverse("admin:icnk_outboundemail_retry", args=[email.pk])
    editor.post(retry)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENDING
    run_worker()
    assert len(mail.outbox) == 0


def test_only_administrators_read_mail_bodies(client, demo):
    email = OutboundEmail.objects.create(
        to="aiko@example.jp", subject="Confirm your request", body="Your link: SECRET-TOKEN"
    )
    url = reverse("admin:icnk_outboundemail_change", args=[email.pk])
    login_with_two_factor(client, make_staff("eve", EDITORS))
    page = client.get(url).content.decode()
    assert "Confirm your request" in page and "aiko@example.jp" in page
    assert "SECRET-TOKEN" not in page
    client.logout()
    login_with_two_factor(client, make_staff("ada", ADMINISTRATORS))
    assert "SECRET-TOKEN" in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "ko",
            [
                "업무 현황",
                "검토 대기 중인 가입 신청",
                "진행 중인 공동 서명 요청",
                "곧 기간이 끝나는 회원",
                "최근 만료된 회원",
                "직원 및 보안",
                "시스템",
            ],
        ),
        (
            "ja",
            [
                "業務状況",
                "審査待ちの参加申請",
                "受付中の共同署名の呼びかけ",
                "まもなく期間が終わるメンバー",
                "最近失効したメンバー",
                "スタッフとセキュリティ",
                "システム",
            ],
        ),
    ],
)
def test_the_desk_reads_in_korean_and_japanese(administrator, demo, language, words):
    page = text(administrator.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE=language))
    for word in words:
        assert word in page


def test_system_tables_stay_out_of_an_editors_menu_even_with_a_permission_on_one(client, demo):
    """Only administrators see "System", whatever permission an editor was given by hand."""
    from django.contrib.auth.models import Permission

    user = make_staff("eve-with-extra", EDITORS)
    user.user_permissions.add(Permission.objects.get(codename="view_accessattempt"))
    login_with_two_factor(client, user)
    response = client.get(reverse("admin:index"))
    assert "System" not in sections(response)
    assert "Access attempts" not in text(response)
    assert client.get(reverse("admin:desk-section", args=["system"])).status_code == 404


def test_the_action_log_lists_for_editors_only_records_they_may_see(client, demo):
    from django.contrib.auth.models import User

    from icnk.audit import record_change

    ada = make_staff("ada", ADMINISTRATORS)
    record_change(ada, User.objects.get(username="ada"), "Made an administrator")
    record_change(ada, SiteSettings.objects.get(), "Changed the mission")
    login_with_two_factor(client, make_staff("eve", EDITORS))
    page = text(client.get(reverse("admin:admin_logentry_changelist")))
    assert "Changed the mission" in page
    assert "Made an administrator" not in page
    assert "Access attempt" not in page  # the kinds offered as filters are the visible ones
