"""A person's data: export it, erase it everywhere, and the privacy page that explains both."""

import datetime
import io
import json

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from icnk.audit import record_change
from icnk.models import OutboundEmail
from icnk.roles import ADMINISTRATORS, EDITORS
from members import self_service, services
from members.models import JoinRequest, Organization, Supporter, Visibility, VisibilityRequest
from members.personal_data import ERASED_NAME, personal_data_erase, personal_data_export
from members.services import join_requests_purge
from statements.models import Signature, Statement
from tests.factories import login_with_two_factor, make_staff

pytestmark = pytest.mark.django_db

# Markers of the person: none may survive an erasure anywhere.
NAME = "Park Ji-hyun"
DISPLAY = "Hyun P."
EMAIL = "ji-hyun.park@example.org"
PHONE = "+82 10 9876 5432"
NOTE = "Escaped in 2009; family still in Hamgyong."


def png():
    out = io.BytesIO()
    Image.new("RGB", (40, 40), "#345678").save(out, "PNG")
    return SimpleUploadedFile("logo.png", out.getvalue(), content_type="image/png")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def administrator(db):
    return make_staff("chief", ADMINISTRATORS)


@pytest.fixture
def person(db, media, administrator):
    """A supporter who joined through the form, signed a statement, and was edited since."""
    join_request = JoinRequest.objects.create(
        kind=JoinRequest.Kind.INDIVIDUAL,
        status=JoinRequest.Status.APPROVED,
        name=NAME,
        display_name=DISPLAY,
        email=EMAIL,
        phone=PHONE,
        country="KR",
        logo=png(),
        accepted_objectives=True,
    )
    supporter = Supporter.objects.create(
        full_name=NAME,
        display_name=DISPLAY,
        affiliation="Survivor and author",
        country="KR",
        email=EMAIL,
        phone=PHONE,
        private_notes=NOTE,
        visibility=Visibility.FULL_NAME,
        consent_means=f"Email from {EMAIL}",
        consent_date=datetime.date(2013, 1, 10),
    )
    join_request.supporter = supporter
    join_request.save()
    supporter.affiliation = "Survivor, author and researcher"
    supporter.save()  # a second history row holding the markers
    OutboundEmail.objects.create(to=EMAIL, subject="Welcome", body=f"Dear {NAME}, welcome.")
    return supporter


@pytest.fixture
def organization(db):
    return Organization.objects.create(
        name="Citizens' Alliance for North Korean Human Rights",
        acronym="NKHR",
        slug="nkhr",
        contact_name="Kang Mi-rae",
        contact_email="mirae@nkhr.example",
        contact_phone="+82 2 000 0000",
        private_notes="Call before noon.",
    )


@pytest.fixture
def statement(person, organization):
    statement = Statement.objects.create(
        title="Survivors call for an inquiry",
        slug="survivors-call",
        language="en",
        body="We call for a Commission of Inquiry.",
        status=Statement.Status.PUBLISHED,
        published_at=timezone.now() - datetime.timedelta(days=1),
    )
    Signature.objects.create(statement=statement, organization=organization, order=1)
    Signature.objects.create(statement=statement, supporter=person, order=2)
    return statement


def markers_in(text):
    return [m for m in (NAME, DISPLAY, EMAIL, PHONE, NOTE) if m in text]


# --- export ----------------------------------------------------------------------------------


def test_export_holds_the_fields_join_requests_signatures_history_and_mail(
    person, statement, administrator
):
    data = personal_data_export(subject=person, user=administrator)

    assert data["emails"] == [EMAIL]
    [supporter] = data["supporters"]
    assert supporter["fields"]["full_name"] == NAME
    assert supporter["fields"]["phone"] == PHONE
    assert supporter["fields"]["private_notes"] == NOTE
    assert supporter["fields"]["country"] == "KR"
    assert [s["statement"] for s in supporter["signatures"]] == ["Survivors call for an inquiry"]
    affiliations = [row["fields"]["affiliation"] for row in supporter["history"]]
    assert affiliations == ["Survivor and author", "Survivor, author and researcher"]
    [join_request] = data["join_requests"]
    assert join_request["fields"]["email"] == EMAIL
    assert join_request["fields"]["logo"].startswith("join-logos/")
    assert len(join_request["history"]) == 2
    assert data["emails_sent"][0]["body"] == f"Dear {NAME}, welcome."
    assert data["organizations"] == []
    entry = LogEntry.objects.get(object_id=str(person.pk), content_type__model="supporter")
    assert entry.user == administrator
    assert entry.change_message == "Personal data exported"


def test_export_from_a_join_request_finds_the_supporter_it_created(person, administrator):
    join_request = JoinRequest.objects.get(email=EMAIL)
    data = personal_data_export(subject=join_request, user=administrator)
    assert [s["fields"]["id"] for s in data["supporters"]] == [person.pk]


def test_export_of_an_organization_contact_holds_only_the_contact_and_its_history(
    organization, administrator
):
    data = personal_data_export(subject=organization, user=administrator)
    [record] = data["organizations"]
    assert record["fields"]["contact_email"] == "mirae@nkhr.example"
    assert "description_en" not in record["fields"]
    assert record["history"][0]["fields"]["contact_name"] == "Kang Mi-rae"


def test_administrator_downloads_the_export_from_the_admin(client, person, administrator):
    login_with_two_factor(client, administrator)
    selection = {"action": "export_personal_data", "_selected_action": [person.pk]}
    changelist = reverse("admin:members_supporter_changelist")
    confirm = client.post(changelist, selection)
    assert confirm.status_code == 200
    assert NAME in confirm.text  # every record the export holds is listed first
    response = client.post(changelist, {**selection, "apply": "1"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    [exported] = json.loads(response.content)["people"]
    assert exported["supporters"][0]["fields"]["email"] == EMAIL


# --- erasure ---------------------------------------------------------------------------------


def test_erasure_removes_the_person_from_row_history_join_requests_mail_and_media(
    person, statement, administrator, media
):
    join_request = JoinRequest.objects.get(email=EMAIL)
    logo_path = media / join_request.logo.name
    assert logo_path.exists()

    with pytest.raises(AssertionError):  # the markers are there before
        assert_no_markers_stored(person, join_request)
    with TestCase.captureOnCommitCallbacks(execute=True):
        personal_data_erase(subject=person, user=administrator)

    person.refresh_from_db()
    assert person.full_name == ERASED_NAME
    assert person.visibility == Visibility.HIDDEN
    assert person.personal_data_erased_at is not None
    assert person.public_name == ""
    assert_no_markers_stored(person, join_request)
    join_request.refresh_from_db()
    assert join_request.personal_data_erased_at is not None
    assert not join_request.logo
    assert not logo_path.exists()
    assert not OutboundEmail.objects.filter(to=EMAIL).exists()
    # The erasure itself is in the history, with who did it.
    latest = person.history.latest()
    assert latest.history_user == administrator
    assert latest.history_change_reason == "Personal data erased"
    assert LogEntry.objects.filter(change_message="Personal data erased").exists()


def assert_no_markers_stored(person, join_request):
    stored = json.dumps(
        [
            list(Supporter.objects.filter(pk=person.pk).values()),
            list(Supporter.history.filter(id=person.pk).values()),
            list(JoinRequest.objects.filter(pk=join_request.pk).values()),
            list(JoinRequest.history.filter(id=join_request.pk).values()),
            list(Signature.history.filter(supporter_id=person.pk).values()),
            list(OutboundEmail.objects.values()),
            list(LogEntry.objects.values("object_repr", "change_message")),
            decoded_sessions(),
        ],
        default=str,
        ensure_ascii=False,
    )
    assert markers_in(stored) == []
    assert "2013-01-10" not in json.dumps(
        list(Supporter.objects.filter(pk=person.pk).values()), default=str
    )


def decoded_sessions():
    """Every stored session's data, decoded: the table itself holds it signed and encoded."""
    return [
        SessionStore().decode(data)
        for data in Session.objects.values_list("session_data", flat=True)
    ]


def test_erasure_leaves_the_person_in_no_table_no_notice_and_no_session(
    person, statement, administrator, site_settings, media
):
    # A second request of theirs, verified: the secretariat is told, by name.
    again = JoinRequest.objects.create(
        kind=JoinRequest.Kind.INDIVIDUAL, name=NAME, email=EMAIL, phone=PHONE, country="KR"
    )
    change = reverse("admin:members_joinrequest_change", args=[again.pk])
    services.join_request_verify(join_request=again, admin_url=f"https://example.org{change}")
    notice = OutboundEmail.objects.exclude(to=EMAIL).get()
    assert NAME in notice.subject
    # Their browser's session while applying kept the address; a staff session does not.
    applicant = SessionStore()
    applicant["join_submitted_email"] = EMAIL
    applicant.create()
    staff = SessionStore()
    staff["_auth_user_id"] = str(administrator.pk)
    staff.create()
    assert markers_in(json.dumps(decoded_sessions())) == [EMAIL]
    markers = (NAME, DISPLAY, EMAIL, PHONE, NOTE)
    assert stored_markers(*markers)

    with TestCase.captureOnCommitCallbacks(execute=True):
        personal_data_erase(subject=person, user=administrator)

    assert stored_markers(*markers) == []
    assert markers_in(json.dumps(decoded_sessions(), ensure_ascii=False)) == []
    assert not SessionStore().exists(applicant.session_key)
    assert SessionStore().exists(staff.session_key)
    assert not OutboundEmail.objects.filter(pk=notice.pk).exists()


def test_an_address_the_desk_corrected_goes_with_the_person_and_its_mail(
    person, administrator, site_settings, media
):
    old = "old.address@example.org"
    person.email = old
    person.save()
    OutboundEmail.objects.create(to=old, subject="Will you sign?", body="A drive for you.")
    person.email = EMAIL  # the desk puts the right address back
    person.save()
    # Someone else's mail to an address nobody of this person holds now stays.
    OutboundEmail.objects.create(to="other@example.org", subject="Hello", body="Not theirs.")
    assert stored_markers(old)

    with TestCase.captureOnCommitCallbacks(execute=True):
        personal_data_erase(subject=person, user=administrator)

    assert stored_markers(old) == []
    assert OutboundEmail.objects.filter(to="other@example.org").exists()


def test_the_automatic_purge_of_stale_requests_also_strips_their_history(media):
    stale = JoinRequest.objects.create(
        kind=JoinRequest.Kind.INDIVIDUAL,
        name=NAME,
        email=EMAIL,
        phone=PHONE,
        submitted_at=timezone.now() - datetime.timedelta(days=400),
    )
    assert join_requests_purge() == 1
    history = json.dumps(list(JoinRequest.history.filter(id=stale.pk).values()), default=str)
    assert markers_in(history) == []


def test_after_erasure_the_statement_still_renders_and_no_longer_names_the_person(
    client, site_settings, person, statement, administrator
):
    before = client.get(statement.get_absolute_url())
    assert NAME in before.text

    personal_data_erase(subject=person, user=administrator)

    page = client.get(statement.get_absolute_url())
    assert page.status_code == 200
    assert markers_in(page.text) == []
    assert ERASED_NAME not in page.text
    assert "other individual" not in page.text  # hidden: not even counted
    # The organization's signature is a public body's and stays as signed.
    assert "Citizens&#x27; Alliance for North Korean Human Rights" in page.text
    assert Signature.objects.filter(statement=statement).count() == 2
    assert NAME not in client.get(reverse("members:directory")).text


def test_erasing_an_organization_contact_keeps_the_organization(
    client, site_settings, organization, statement, administrator
):
    personal_data_erase(subject=organization, user=administrator)
    organization.refresh_from_db()
    assert organization.name == "Citizens' Alliance for North Korean Human Rights"
    assert (organization.contact_name, organization.contact_email) == ("", "")
    assert (organization.contact_phone, organization.private_notes) == ("", "")
    history = json.dumps(
        list(Organization.history.filter(id=organization.pk).values()), default=str
    )
    assert "Kang Mi-rae" not in history and "mirae@nkhr.example" not in history
    assert "NKHR" in client.get(statement.get_absolute_url()).text


def add_through_the_statements_inline(client, statement, supporter):
    """What an editor's "Save" on the statement's page posts with one new signatory row."""
    inlines = {
        f"{prefix}-{part}": count
        for prefix in ("signatures", "attachments", "press_contacts")
        for part, count in [("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"), ("MAX_NUM_FORMS", "1000")]
    }
    published = timezone.localtime(statement.published_at)
    data = {
        "title": statement.title, "slug": statement.slug, "language": statement.language,
        "kind": statement.kind, "body": statement.body, "summary": statement.summary,
        "status": statement.status, "dateline": statement.dateline,
        "published_at_0": published.strftime("%Y-%m-%d"),
        "published_at_1": published.strftime("%H:%M:%S"),
        **inlines,
        "signatures-TOTAL_FORMS": "1",
        "signatures-0-supporter": str(supporter.pk),
        "signatures-0-order": "1",
        "signatures-0-signed_on": timezone.localdate().isoformat(),
    }  # fmt: skip
    url = reverse("admin:statements_statement_change", args=[statement.pk])
    return client.post(url, data)


@pytest.mark.parametrize("name", ["김비밀남", "山田花子", "Joséphine Ñúñez", NAME])
def test_a_name_in_any_script_leaves_the_action_log_of_the_statement_it_was_added_to(
    client, administrator, name
):
    """The admin writes an inline's "Added signature “…”" as JSON, with every letter outside
    ASCII escaped (김 as \\uae40): the name must go from it as from plain text."""
    supporter = Supporter.objects.create(
        full_name=name, email="signer@example.org", visibility=Visibility.FULL_NAME
    )
    statement = Statement.objects.create(
        title="Survivors call for an inquiry", slug="survivors-call", language="en", body="We call."
    )
    login_with_two_factor(client, make_staff("editor", EDITORS))
    assert add_through_the_statements_inline(client, statement, supporter).status_code == 302
    entry = LogEntry.objects.get(content_type__model="statement")
    assert entry.get_change_message() == f"Added signature “{name}”."
    # The desk's own note, in plain text and another case.
    record_change(administrator, statement, f"{name.upper()} asked us to call back")

    personal_data_erase(subject=supporter, user=administrator)

    log = [(e.object_repr, e.get_change_message()) for e in LogEntry.objects.all()]
    assert not any(name.lower() in f"{r} {m}".lower() for r, m in log), log
    entry.refresh_from_db()
    assert entry.get_change_message() == f"Added signature “{ERASED_NAME}”."
    assert LogEntry.objects.filter(change_message=f"{ERASED_NAME} asked us to call back").exists()


def test_the_desks_reason_on_their_visibility_request_goes_with_the_person(
    client, person, administrator
):
    person.visibility = Visibility.INITIALS
    person.save()
    request = self_service.visibility_request(
        supporter=person, level=Visibility.FULL_NAME, wording="[v1 en] Full name: ..."
    )
    editor = make_staff("editor", EDITORS)
    login_with_two_factor(client, editor)
    page = reverse("admin:members_visibilityrequest_change", args=[request.pk])
    reason = f"{NAME}, your employer in Dandong would see your name; please keep {DISPLAY}."
    assert client.post(page, {"reason": reason, "_reject": "1"}).status_code == 302
    assert "Dandong" in client.get(page).text

    personal_data_erase(subject=person, user=administrator)

    shown = client.get(page).text
    assert markers_in(shown) == [] and "Dandong" not in shown
    request.refresh_from_db()
    assert request.reason == ""
    # The decision itself stays on record.
    assert (request.status, request.decided_by) == (VisibilityRequest.Status.REJECTED, editor)
    log = LogEntry.objects.filter(content_type__model="visibilityrequest")
    assert log.exists()
    assert markers_in(json.dumps(list(log.values()), default=str, ensure_ascii=False)) == []


def test_administrator_erases_through_the_admin_after_confirming(client, person, administrator):
    login_with_two_factor(client, administrator)
    # Approved requests are not in the default "awaiting review" list.
    changelist = reverse("admin:members_joinrequest_changelist") + "?review=all"
    join_request = JoinRequest.objects.get(email=EMAIL)
    selection = {"action": "erase_personal_data", "_selected_action": [join_request.pk]}

    confirm = client.post(changelist, selection)
    assert confirm.status_code == 200
    assert "This cannot be undone" in confirm.text
    assert NAME in confirm.text
    assert JoinRequest.objects.get(pk=join_request.pk).name == NAME  # nothing erased yet

    done = client.post(changelist, {**selection, "apply": "1"}, follow=True)
    assert "erased everywhere" in done.text
    join_request.refresh_from_db()
    assert join_request.name == ERASED_NAME
    person.refresh_from_db()
    assert person.full_name == ERASED_NAME  # the supporter it created went too


@pytest.mark.parametrize(
    "changelist",
    [
        "admin:members_supporter_changelist",
        "admin:members_organization_changelist",
        "admin:members_joinrequest_changelist",
    ],
)
def test_only_administrators_are_offered_export_and_erase(
    client, person, organization, administrator, changelist
):
    editor = make_staff("editor", EDITORS)
    login_with_two_factor(client, editor)
    page = client.get(reverse(changelist))
    assert page.status_code == 200
    assert "export_personal_data" not in page.text
    assert "erase_personal_data" not in page.text

    client.logout()
    login_with_two_factor(client, administrator)
    page = client.get(reverse(changelist))
    assert "export_personal_data" in page.text
    assert "erase_personal_data" in page.text


def test_an_editor_posting_the_actions_gets_nothing_and_erases_nothing(client, person):
    login_with_two_factor(client, make_staff("editor", EDITORS))
    changelist = reverse("admin:members_supporter_changelist")
    for action in ["export_personal_data", "erase_personal_data"]:
        response = client.post(
            changelist, {"action": action, "_selected_action": [person.pk], "apply": "1"}
        )
        assert response.status_code in (200, 302, 403)
        assert not response.get("Content-Type", "").startswith("application/json")
    person.refresh_from_db()
    assert person.full_name == NAME
    assert not LogEntry.objects.filter(change_message__startswith="Personal data").exists()


# --- the privacy page ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "What we store about you"), ("ko", 'lang="ko"'), ("ja", 'lang="ja"')],
)
@pytest.mark.parametrize("supporters", [1, 200])
def test_privacy_page_in_each_language_in_a_fixed_number_of_queries(
    client, site_settings, django_assert_max_num_queries, language, heading, supporters, settings
):
    Supporter.objects.bulk_create(
        Supporter(full_name=f"Person {n}", email=f"p{n}@example.org") for n in range(supporters)
    )
    # The site settings and the featured campaign, whatever the number of people stored.
    with django_assert_max_num_queries(2):
        response = client.get(f"/{language}/privacy/")
    assert response.status_code == 200
    text = response.text
    assert heading in text
    assert site_settings.contact_email in text
    assert f"after {settings.JOIN_REQUEST_RETENTION_DAYS} days" in text or language != "en"
    assert "p0@example.org" not in text


def test_every_page_links_to_the_privacy_page(client, site_settings):
    assert 'href="/en/privacy/"' in client.get("/en/about/").text


# --- the purge erases as an erasure does -------------------------------------------------------

APPLICANT = "Zyxwar Quobblesworth"
APPLICANT_EMAIL = "zyxwar.quobble@example.net"


def _text(value):
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode(errors="replace")
    return str(value)


def stored_markers(*markers):
    """Every table in the database, every column of every row: which markers are stored."""
    from django.db import connection

    found = set()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                text = " ".join(
                    bytes(v).decode(errors="replace")
                    if isinstance(v, bytes | memoryview)
                    else str(v)
                    for v in row
                ).lower()
                found.update(f"{table}: {m}" for m in markers if m.lower() in text)
    return sorted(found)


@pytest.mark.parametrize("kind", ["individual", "organization"])
def test_a_rejected_request_once_purged_leaves_its_name_and_address_in_no_table(
    client, site_settings, media, administrator, kind
):
    fields = {
        "individual": {"name": APPLICANT, "country": "KR"},
        "organization": {
            "name": f"{APPLICANT} Foundation",
            "contact_name": APPLICANT,
            "organization_kind": "national_ngo",
            "contact_role": "Director",
            "support_statement": "We will co-sign.",
        },
    }[kind]
    response = client.post(
        reverse("join:form"),
        {"kind": kind, "email": APPLICANT_EMAIL, "accept_objectives": "on", **fields},
    )
    assert response.status_code == 302
    join_request = JoinRequest.objects.get(email=APPLICANT_EMAIL)
    services.join_request_verify(join_request=join_request, admin_url="https://example.org/a/")
    services.join_request_reject(
        join_request=join_request,
        reviewer=administrator,
        reason=f"Dear {APPLICANT}, we cannot verify {APPLICANT_EMAIL} belongs to you.",
        notify=True,
    )
    # Greeting, secretariat's notice, rejection: the applicant is in the outbox, the history
    # and the action log.
    assert OutboundEmail.objects.count() == 3
    assert any("django_admin_log" in found for found in stored_markers(APPLICANT))
    assert stored_markers(APPLICANT, APPLICANT_EMAIL)

    later = timezone.now() + datetime.timedelta(days=365)
    assert join_requests_purge(now=later) == 1

    assert stored_markers(APPLICANT, APPLICANT_EMAIL) == []
    # The row stays, stripped, for the counts; the secretariat's notice stays, without them.
    assert JoinRequest.objects.get().name == ERASED_NAME
    assert OutboundEmail.objects.get().to == site_settings.contact_email


def test_the_purge_leaves_a_member_who_joined_later_from_the_same_address_alone(
    site_settings, media, administrator
):
    old = timezone.now() - datetime.timedelta(days=400)
    stale = JoinRequest.objects.create(
        kind=JoinRequest.Kind.INDIVIDUAL, name=NAME, email=EMAIL, submitted_at=old
    )
    member = Supporter.objects.create(full_name=NAME, email=EMAIL, visibility=Visibility.FULL_NAME)
    record_change(administrator, member, f"Consent of {NAME} recorded")
    OutboundEmail.objects.create(to=EMAIL, subject="Welcome", body=f"Hello {NAME}")

    assert join_requests_purge() == 1

    stale.refresh_from_db()
    member.refresh_from_db()
    assert stale.name == ERASED_NAME and stale.email == ""
    assert (member.full_name, member.email) == (NAME, EMAIL)
    assert OutboundEmail.objects.get().body == f"Hello {NAME}"
    entry = LogEntry.objects.get(object_id=str(member.pk))
    assert (entry.object_repr, entry.change_message) == (NAME, f"Consent of {NAME} recorded")
