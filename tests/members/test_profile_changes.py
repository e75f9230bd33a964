"""An organization's contact proposes changes to its public profile; the secretariat approves or
rejects them on the desk; the contact role moves only when the new person confirms (issue 17,
item 2)."""

import datetime
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from icnk.models import OutboundEmail
from icnk.roles import EDITORS
from members import profile
from members.models import ContactHandover, Organization, ProfileChange
from members.profile_forms import HandoverForm, ProfileForm
from tests.factories import login_with_two_factor, make_staff, png_bytes, run_mail_queue

pytestmark = pytest.mark.django_db

ADMIN = f"/{settings.ADMIN_URL}"
PUBLIC_KO = "/ko/members/open-north-korea/"
API = "/api/v1/members/open-north-korea/"


@pytest.fixture
def contact(organization):
    organization.contact_name = "Kim Min-ji"
    organization.contact_email = "minji@onk.example.org"
    organization.contact_phone = "+82 2 0000 0000"
    organization.language = "ko"
    organization.save()
    return organization


@pytest.fixture
def editor(client):
    user = make_staff("eve", EDITORS)
    login_with_two_factor(client, user)
    return user


def logo_upload(**kwargs):
    return SimpleUploadedFile("logo.png", png_bytes(**kwargs), content_type="image/png")


def checked_logo():
    form = ProfileForm(data={}, files={"logo": logo_upload(size=(300, 300))})
    assert form.is_valid(), form.errors
    return form.cleaned_data["logo"]


def propose(organization, **values):
    return profile.profile_change_submit(
        organization=organization,
        values={**profile.current_values(organization), **values},
        logo=values.pop("logo", None),
        requested_by=organization.contact_email,
    )


def test_a_proposed_change_waits_and_the_public_page_stays_as_it_was(
    client, contact, site_settings
):
    before = client.get(PUBLIC_KO)  # cached whole from here on
    assert "외부 정보를 전하는 단체." in before.content.decode()

    change = propose(contact, description_ko="새로운 한국어 소개입니다.")

    assert change.status == ProfileChange.Status.PENDING
    assert change.proposed == {"description_ko": "새로운 한국어 소개입니다."}
    page = client.get(PUBLIC_KO).content.decode()
    assert "외부 정보를 전하는 단체." in page and "새로운 한국어 소개입니다." not in page
    assert client.get(API).json()["description"]["ko"] == "외부 정보를 전하는 단체."
    contact.refresh_from_db()
    assert contact.description_ko == "외부 정보를 전하는 단체."


def test_a_second_edit_replaces_the_one_waiting(contact):
    first = propose(contact, description_en="First try.", logo=checked_logo())
    second = propose(contact, website="https://onk.example.org")

    assert second.pk == first.pk
    assert ProfileChange.objects.filter(status="pending").count() == 1
    # The form starts from what waits, so the second edit still carries the first's text; the
    # logo waiting stays unless a new one is chosen.
    assert second.proposed == {"website": "https://onk.example.org"}
    assert second.has_logo
    # Back to the public values: the logo still waits; without one, nothing is left to review.
    contact.refresh_from_db()
    same = profile.profile_change_submit(
        organization=contact, values=profile.current_values(contact)
    )
    assert same.pk == first.pk and same.proposed == {} and same.has_logo
    ProfileChange.objects.filter(pk=first.pk).update(logo_data=b"", logo_type="")
    assert (
        profile.profile_change_submit(organization=contact, values=profile.current_values(contact))
        is None
    )
    assert ProfileChange.objects.get(pk=first.pk).status == ProfileChange.Status.WITHDRAWN


def test_approving_on_the_desk_changes_the_public_page_and_the_api_at_once(
    client, contact, editor, site_settings
):
    assert "새로운" not in client.get(PUBLIC_KO).content.decode()  # cached
    assert client.get(API).json()["logo"] is None  # cached
    change = propose(contact, description_ko="새로운 한국어 소개입니다.", logo=checked_logo())

    review = client.get(f"{ADMIN}members/profilechange/{change.pk}/change/")
    body = review.content.decode()
    assert review.status_code == 200
    assert "외부 정보를 전하는 단체." in body and "새로운 한국어 소개입니다." in body
    assert f"/members/profilechange/{change.pk}/logo/" in body
    logo = client.get(f"{ADMIN}members/profilechange/{change.pk}/logo/")
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"

    version = re.search(r'name="version" value="([^"]+)"', body).group(1)
    response = client.post(
        f"{ADMIN}members/profilechange/{change.pk}/approve/", {"version": version}
    )
    assert response.status_code == 302

    client.logout()
    page = client.get(PUBLIC_KO).content.decode()
    assert "새로운 한국어 소개입니다." in page
    contact.refresh_from_db()
    assert contact.logo and contact.logo.url in page
    data = client.get(API).json()
    assert data["description"]["ko"] == "새로운 한국어 소개입니다."
    assert data["logo"].endswith(contact.logo.url)
    # Recorded under the reviewer's name, and the contact is told in Korean.
    assert contact.history.first().history_user == editor
    from django.contrib.admin.models import LogEntry

    assert LogEntry.objects.filter(user=editor, object_id=str(contact.pk)).exists()
    mail = OutboundEmail.objects.get(to="minji@onk.example.org")
    assert "승인" in mail.body or "게시" in mail.subject
    change.refresh_from_db()
    assert change.status == ProfileChange.Status.APPROVED and change.decided_by == editor


def test_the_desk_refuses_a_change_edited_again_since_it_was_read(client, contact, editor):
    change = propose(contact, description_en="Version one.")
    seen = profile.version(change)
    propose(contact, description_en="Version two, sent while staff read version one.")

    client.post(f"{ADMIN}members/profilechange/{change.pk}/approve/", {"version": seen})

    contact.refresh_from_db()
    assert contact.description_en == "Works to open the country to outside information."
    assert ProfileChange.objects.get(pk=change.pk).status == ProfileChange.Status.PENDING


def test_rejecting_changes_nothing_and_mails_the_reason(client, contact, editor, site_settings):
    client.get(PUBLIC_KO)
    change = propose(contact, description_ko="거부될 소개.", website="https://bad.example.org")

    form = client.get(f"{ADMIN}members/profilechange/{change.pk}/reject/")
    assert form.status_code == 200
    client.post(
        f"{ADMIN}members/profilechange/{change.pk}/reject/",
        {"reason": "Please keep the description factual.", "version": profile.version(change)},
    )

    change.refresh_from_db()
    assert change.status == ProfileChange.Status.REJECTED
    assert change.reason == "Please keep the description factual."
    contact.refresh_from_db()
    assert contact.description_ko == "외부 정보를 전하는 단체."
    assert contact.website == "https://example.org/onk"
    client.logout()
    assert "거부될 소개." not in client.get(PUBLIC_KO).content.decode()
    mail = OutboundEmail.objects.get(to="minji@onk.example.org")
    assert "Please keep the description factual." in mail.body
    # A second press decides nothing again and sends no second mail.
    login_with_two_factor(client, make_staff("other", EDITORS))
    client.post(f"{ADMIN}members/profilechange/{change.pk}/approve/", {})
    assert OutboundEmail.objects.filter(to="minji@onk.example.org").count() == 1
    contact.refresh_from_db()
    assert contact.website == "https://example.org/onk"


def test_the_desk_panel_lists_changes_to_review(client, contact, editor):
    propose(contact, local_name="열린북한 (새 이름)")
    desk = client.get(ADMIN).content.decode()
    assert "Profile changes to review" in desk
    assert "Open North Korea" in desk and "local name" in desk


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("logo.png", b"<script>alert(1)</script>"), "not an image we can read"),
        (SimpleUploadedFile("logo.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"), "not an image"),
        (SimpleUploadedFile("big.png", png_bytes(size=(2100, 50))), "at most 2000×2000"),
    ],
)
def test_the_logo_goes_through_the_join_forms_checks(upload, message):
    form = ProfileForm(data={}, files={"logo": upload})
    assert not form.is_valid()
    assert message in " ".join(form.errors["logo"])


def test_sending_the_form_unchanged_proposes_nothing(contact):
    contact.website = "https://onk.example.org"  # no path: the form must not add one
    contact.description_ja = ""
    contact.save()
    form = ProfileForm(data=profile.current_values(contact))
    assert form.is_valid(), form.errors
    values = {k: v for k, v in form.cleaned_data.items() if k != "logo"}
    assert profile.profile_change_submit(organization=contact, values=values) is None
    assert not ProfileChange.objects.exists()


def test_markup_and_odd_addresses_are_refused_with_a_message():
    form = ProfileForm(
        data={"description_en": "<script>x</script>", "website": "javascript:alert(1)"}
    )
    assert not form.is_valid()
    assert "plain text" in form.errors["description_en"][0]
    assert "website" in form.errors


def test_the_contact_role_moves_only_when_the_new_person_confirms(client, contact, site_settings):
    handover, token = profile.contact_handover_start(
        organization=contact, name="Lee Soo-jin", email="Soojin@ONK.example.org"
    )
    invite = OutboundEmail.objects.get(to="soojin@onk.example.org")
    assert f"/ko/members/contact/{token}/" in invite.body
    assert token not in ContactHandover.objects.values_list("token_hash", flat=True)[0]

    # Opening the link changes nothing.
    page = client.get(f"/ko/members/contact/{token}/")
    assert page.status_code == 200 and "noindex" in page["X-Robots-Tag"]
    contact.refresh_from_db()
    assert contact.contact_email == "minji@onk.example.org"

    done = client.post(f"/ko/members/contact/{token}/")
    assert done.status_code == 200
    contact.refresh_from_db()
    assert (contact.contact_name, contact.contact_email) == (
        "Lee Soo-jin",
        "soojin@onk.example.org",
    )
    assert contact.contact_phone == ""
    told = OutboundEmail.objects.get(to="minji@onk.example.org")
    assert "Lee Soo-jin" in told.body
    assert "Contact handed over" in contact.history.first().history_change_reason
    # The link works once.
    assert client.post(f"/ko/members/contact/{token}/").status_code == 404
    assert client.get("/ko/members/contact/not-a-token/").status_code == 404


def test_a_newer_handover_replaces_the_link_of_the_older(client, contact):
    _first, old_token = profile.contact_handover_start(
        organization=contact, name="Lee Soo-jin", email="soojin@onk.example.org"
    )
    profile.contact_handover_start(
        organization=contact, name="Park Ji-won", email="jiwon@onk.example.org"
    )
    assert client.post(f"/en/members/contact/{old_token}/").status_code == 404
    contact.refresh_from_db()
    assert contact.contact_email == "minji@onk.example.org"


def test_a_handover_link_expires(client, contact, time_machine):
    _handover, token = profile.contact_handover_start(
        organization=contact, name="Lee Soo-jin", email="soojin@onk.example.org"
    )
    time_machine.move_to(timezone.now() + datetime.timedelta(days=profile.HANDOVER_DAYS, hours=1))
    assert client.post(f"/en/members/contact/{token}/").status_code == 404
    contact.refresh_from_db()
    assert contact.contact_email == "minji@onk.example.org"


def test_the_handover_form_refuses_the_current_address(contact):
    form = HandoverForm(
        data={"name": "Myself", "email": "MINJI@onk.example.org"}, organization=contact
    )
    assert not form.is_valid() and "email" in form.errors


def test_the_proposed_logo_is_not_in_the_public_media_store(contact, settings):
    import os

    propose(contact, logo=checked_logo())
    stored = [f for _root, _dirs, files in os.walk(settings.MEDIA_ROOT) for f in files]
    assert stored == []
    assert Organization.objects.get(pk=contact.pk).logo.name == ""


# -- through the members' area, signed in by the emailed link -----------------------------------

EDIT = "/ko/members/area/profile/"
HANDOVER = "/ko/members/area/contact/"


def sign_in(client, email):
    client.post("/en/members/area/", {"email": email})
    run_mail_queue()
    mail = OutboundEmail.objects.filter(to=email).latest("pk")
    link = re.search(r"https?://\S+/members/area/link/\S+/", mail.body).group(0)
    client.post(link.split("testserver", 1)[-1])


@pytest.fixture
def other(site_settings):
    return Organization.objects.create(
        name="Seoul Rights Watch",
        slug="seoul-rights-watch",
        country="KR",
        contact_name="Park Ji-won",
        contact_email="jiwon@srw.example.org",
        description_ko="서울의 인권 감시 단체.",
    )


def form_data(organization, **changes):
    return {**profile.current_values(organization), **changes}


def test_the_contact_edits_through_the_area_and_the_public_page_waits(
    client, contact, site_settings
):
    assert client.get(EDIT).status_code == 302  # not signed in: to the sign-in page
    public = client.get(PUBLIC_KO).content.decode()  # cached
    sign_in(client, "minji@onk.example.org")

    page = client.get(EDIT)
    assert page.status_code == 200 and "noindex" in page["X-Robots-Tag"]
    assert "no-store" in page["Cache-Control"]
    response = client.post(
        EDIT,
        {
            **form_data(contact, description_ko="새 소개입니다."),
            "logo": logo_upload(size=(300, 300)),
        },
    )
    assert response.status_code == 302
    change = ProfileChange.objects.get(organization=contact, status="pending")
    assert change.proposed == {"description_ko": "새 소개입니다."} and change.has_logo
    assert change.requested_by == "minji@onk.example.org"
    # The page says a change waits and that sending again replaces it.
    assert "검토를 기다리고" in client.get(EDIT).content.decode()
    client.logout()
    client.cookies.clear()
    assert client.get(PUBLIC_KO).content.decode() == public


@pytest.mark.parametrize(
    "changes",
    [
        {"logo": SimpleUploadedFile("logo.png", b"MZ\x90\x00 not an image")},
        {"website": "javascript:alert(document.cookie)"},
        {"description_en": "x" * 2001},
        {"description_ko": "<img src=x onerror=alert(1)>"},
        {"local_name": '=HYPERLINK("http://evil")'},
        {"description_ja": "nul\x00byte"},
    ],
)
def test_bad_input_gets_a_form_error_and_changes_nothing(client, contact, site_settings, changes):
    sign_in(client, "minji@onk.example.org")
    response = client.post(EDIT, {**form_data(contact), **changes})
    assert response.status_code == 200
    assert 'class="field__errors"' in response.content.decode()
    assert not ProfileChange.objects.exists()


def test_another_organizations_contact_cannot_touch_this_one(client, contact, other):
    sign_in(client, "jiwon@srw.example.org")
    page = client.get(EDIT).content.decode()
    assert "Seoul Rights Watch" in page and "Open North Korea" not in page
    # Naming the other organization in the post changes nothing about it.
    client.post(
        EDIT,
        {**form_data(other, description_ko="가로채기"), "organization": contact.pk, "slug": "x"},
    )
    client.post(
        HANDOVER, {"name": "Intruder", "email": "intruder@example.org", "organization": contact.pk}
    )
    assert not ProfileChange.objects.filter(organization=contact).exists()
    assert not ContactHandover.objects.filter(organization=contact).exists()
    assert ProfileChange.objects.get(organization=other).proposed == {"description_ko": "가로채기"}
    # And the desk's review and its logo are staff-only.
    change = ProfileChange.objects.get(organization=other)
    for url in (
        f"{ADMIN}members/profilechange/{change.pk}/change/",
        f"{ADMIN}members/profilechange/{change.pk}/logo/",
    ):
        assert client.get(url).status_code == 302


def test_a_supporter_has_no_organization_profile_to_edit(client, site_settings):
    from members.models import Visibility
    from tests.factories import make_supporter

    make_supporter("Kim Min-ji", Visibility.HIDDEN, email="kim@example.org")
    sign_in(client, "kim@example.org")
    assert client.get(EDIT).status_code == 404


def test_the_handover_from_the_area_mails_the_new_person_and_changes_nothing_yet(
    client, contact, site_settings
):
    sign_in(client, "minji@onk.example.org")
    same = client.post(HANDOVER, {"name": "Me", "email": "minji@onk.example.org"})
    assert same.status_code == 200 and not ContactHandover.objects.exists()
    client.post(HANDOVER, {"name": "Lee Soo-jin", "email": "soojin@onk.example.org"})
    mail = OutboundEmail.objects.get(to="soojin@onk.example.org")
    assert "/ko/members/contact/" in mail.body
    contact.refresh_from_db()
    assert contact.contact_email == "minji@onk.example.org"
    assert "Lee Soo-jin" in client.get(EDIT).content.decode()

    token = re.search(r"/members/contact/([^/\s]+)/", mail.body).group(1)
    client.post(f"/ko/members/contact/{token}/")
    # The previous contact's session no longer opens the organization's area.
    assert client.get(EDIT).status_code == 302


def test_a_contact_cannot_flood_an_inbox_with_handover_links(client, contact, site_settings):
    sign_in(client, "minji@onk.example.org")
    for n in range(profile.HANDOVERS_PER_DAY):
        client.post(HANDOVER, {"name": "Lee", "email": f"lee{n}@example.org"})
    refused = client.post(HANDOVER, {"name": "Lee", "email": "victim@example.org"})
    assert refused.status_code == 429
    assert "try again tomorrow" in refused.content.decode() or "내일" in refused.content.decode()
    assert not OutboundEmail.objects.filter(to="victim@example.org").exists()


def test_a_persons_data_export_holds_the_handovers_naming_them(contact, site_settings):
    from members.personal_data import personal_data_export

    profile.contact_handover_start(
        organization=contact,
        name="Lee Soo-jin",
        email="soojin@onk.example.org",
        requested_by=contact.contact_email,
    )
    data = personal_data_export(subject=contact, user=make_staff("chief", EDITORS))
    assert data["contact_handovers"][0]["new_contact_email"] == "soojin@onk.example.org"


def test_erasing_the_contact_erases_their_handovers_and_requests(contact, site_settings):
    from members.personal_data import personal_data_erase

    propose(contact, description_en="Proposed.")
    profile.contact_handover_start(
        organization=contact, name="Lee Soo-jin", email="soojin@onk.example.org"
    )
    personal_data_erase(subject=contact, user=make_staff("chief", EDITORS))
    assert ProfileChange.objects.get().requested_by == ""
    assert not ContactHandover.objects.exists()


@pytest.mark.parametrize(
    "language, heading, mail_words",
    [
        ("en", "Edit your organization's profile", "has approved the changes"),
        ("ko", "단체 프로필 수정", "승인했습니다"),
        ("ja", "団体プロフィールの編集", "承認しました"),
    ],
)
def test_pages_and_mail_in_the_members_language(
    client, contact, site_settings, language, heading, mail_words
):
    contact.language = language
    contact.save()
    sign_in(client, "minji@onk.example.org")
    assert heading in client.get(f"/{language}/members/area/profile/").content.decode()
    change = propose(contact, description_en="New words.")
    profile.profile_change_approve(change=change, reviewer=make_staff("eve", EDITORS))
    assert mail_words in OutboundEmail.objects.filter(to="minji@onk.example.org").latest("pk").body


def test_a_decided_change_reads_as_a_record_without_buttons(client, contact, editor):
    change = propose(contact, logo=checked_logo())
    profile.profile_change_reject(change=change, reviewer=editor, reason="Blurry logo.")
    page = client.get(f"{ADMIN}members/profilechange/{change.pk}/change/").content.decode()
    assert "Rejected" in page and "Blurry logo." in page
    assert "/approve/" not in page and "/reject/" not in page
    assert client.get(f"{ADMIN}members/profilechange/").status_code == 200
    assert client.get(f"{ADMIN}members/profilechange/?status=all").status_code == 200
