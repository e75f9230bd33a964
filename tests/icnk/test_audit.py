"""The audit trail: every staff change is recorded with who, when and what, and kept."""

import datetime

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from icnk.models import SiteSettings
from icnk.roles import ADMINISTRATORS, EDITORS
from members.models import JoinRequest, Listing, Organization, Supporter, Visibility
from statements.models import Campaign, Signature, Statement
from tests.factories import login_with_two_factor, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = make_staff("editor", EDITORS)
    login_with_two_factor(client, user)
    return user


@pytest.fixture
def administrator(client):
    user = make_staff("chief", ADMINISTRATORS)
    login_with_two_factor(client, user)
    return user


@pytest.fixture
def supporter(db):
    return Supporter.objects.create(
        full_name="Kim Young-ja",
        email="kim@example.org",
        phone="+82 10 0000 0000",
        visibility=Visibility.HIDDEN,
        member_since=datetime.date(2013, 1, 28),
    )


def supporter_form(supporter, **changes):
    data = {
        "full_name": supporter.full_name,
        "display_name": supporter.display_name,
        "affiliation": supporter.affiliation,
        "country": str(supporter.country or ""),
        "visibility": supporter.visibility,
        "consent_visibility": supporter.consent_visibility,
        "consent_date": "",
        "consent_means": supporter.consent_means,
        "status": supporter.status,
        "member_since": supporter.member_since.isoformat(),
        "left_on": "",
        "email": supporter.email,
        "phone": supporter.phone,
        "private_notes": supporter.private_notes,
        "_save": "Save",
    }
    data.update(changes)
    return data


def history_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history", args=[obj.pk])


def test_an_admin_edit_records_who_changed_what_and_the_history_page_shows_the_diff(
    client, site_settings, editor, supporter
):
    change = reverse("admin:members_supporter_change", args=[supporter.pk])
    data = supporter_form(
        supporter,
        visibility=Visibility.FULL_NAME,
        consent_visibility=Visibility.FULL_NAME,
        consent_date="2013-01-10",
        consent_means="Email of 10 January 2013",
    )
    assert client.post(change, data).status_code == 302

    latest = supporter.history.latest()
    assert latest.history_type == "~"
    assert latest.history_user == editor
    assert timezone.now() - latest.history_date < datetime.timedelta(minutes=1)
    delta = latest.diff_against(latest.prev_record)
    assert {c.field: (c.old, c.new) for c in delta.changes} == {
        "visibility": ("hidden", "full_name"),
        "consent_visibility": ("", "full_name"),
        "consent_date": (None, datetime.date(2013, 1, 10)),
        "consent_means": ("", "Email of 10 January 2013"),
    }

    page = client.get(history_url(supporter))
    assert page.status_code == 200
    text = page.text
    assert "editor" in text
    # Field by field, in words: "Visibility: Hidden → Full name".
    assert "Visibility:" in text and "Hidden" in text and "Full name" in text
    assert "Email of 10 January 2013" in text


def test_history_is_staff_only_and_cannot_be_used_to_revert(
    client, site_settings, editor, supporter
):
    supporter.visibility = Visibility.INITIALS
    supporter.save()
    version = supporter.history.earliest()
    form_url = reverse(
        "admin:members_supporter_simple_history", args=[supporter.pk, version.history_id]
    )
    assert client.get(form_url).status_code == 200
    assert client.post(form_url, supporter_form(supporter)).status_code == 403
    supporter.refresh_from_db()
    assert supporter.visibility == Visibility.INITIALS

    client.logout()
    response = client.get(history_url(supporter))
    assert response.status_code == 302  # to the sign-in page
    assert "kim@example.org" not in response.text


def test_history_is_kept_after_an_administrator_deletes_the_record(
    client, site_settings, administrator, supporter
):
    pk = supporter.pk
    delete = reverse("admin:members_supporter_delete", args=[pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Supporter.objects.filter(pk=pk).exists()

    rows = Supporter.history.filter(id=pk).order_by("history_date")
    assert [row.history_type for row in rows] == ["+", "-"]
    assert rows.last().history_user == administrator

    page = client.get(reverse("admin:members_supporter_history", args=[pk]))
    assert page.status_code == 200
    assert "Kim Young-ja" in page.text
    assert "Deleted" in page.text


def test_bulk_organization_actions_record_history_for_each_row(client, site_settings, editor):
    organizations = [
        Organization.objects.create(name=f"Group {n}", slug=f"group-{n}") for n in range(3)
    ]
    response = client.post(
        reverse("admin:members_organization_changelist"),
        {"action": "unlist", "_selected_action": [o.pk for o in organizations]},
    )
    assert response.status_code == 302
    for organization in organizations:
        latest = organization.history.latest()
        assert latest.history_user == editor
        delta = latest.diff_against(latest.prev_record)
        assert [(c.field, c.old, c.new) for c in delta.changes] == [
            ("listing", Listing.NAMED, Listing.UNLISTED)
        ]


def test_publishing_and_adding_all_members_record_history(client, site_settings, editor):
    draft = Statement.objects.create(
        title="Draft statement", slug="draft", language="en", body="Text."
    )
    Organization.objects.create(name="Citizens' Alliance", slug="nkhr")
    changelist = reverse("admin:statements_statement_changelist")

    client.post(changelist, {"action": "publish", "post": "yes", "_selected_action": [draft.pk]})
    latest = draft.history.latest()
    assert latest.history_user == editor
    assert latest.history_change_reason == "Published"
    assert latest.status == Statement.Status.PUBLISHED
    assert latest.prev_record.status == Statement.Status.DRAFT

    client.post(changelist, {"action": "add_all_active_members", "_selected_action": [draft.pk]})
    signature = Signature.objects.get(statement=draft)
    assert signature.history.get().history_user == editor

    client.post(changelist, {"action": "unpublish", "post": "yes", "_selected_action": [draft.pk]})
    assert draft.history.latest().status == Statement.Status.UNPUBLISHED
    assert draft.history.latest().history_change_reason == "Unpublished"


def test_site_settings_and_campaign_edits_are_recorded(client, site_settings, administrator):
    change = reverse("admin:icnk_sitesettings_change", args=[site_settings.pk])
    data = {k: "" if v is None else v for k, v in model_to_dict(site_settings).items()}
    del data["id"]
    for image in ("share_image", "mark"):  # no upload: the form keeps none
        del data[image]
    data["contact_email"] = "secretariat@example.net"
    assert client.post(change, data).status_code == 302
    latest = SiteSettings.history.latest()
    assert latest.history_user == administrator
    assert latest.contact_email == "secretariat@example.net"
    assert "secretariat@example.net" in client.get(history_url(site_settings)).text

    campaign = Campaign.objects.create(
        slug="coi", title_en="Inquiry", goal_en="An inquiry.", started_on=datetime.date(2011, 9, 8)
    )
    campaign.milestones.create(date=datetime.date(2013, 3, 21), title_en="Inquiry established")
    assert campaign.history.count() == 1
    assert campaign.milestones.get().history.count() == 1


def test_approving_a_join_request_records_the_reviewer_on_the_request_and_new_member(
    client, site_settings, editor
):
    join_request = JoinRequest.objects.create(
        kind=JoinRequest.Kind.INDIVIDUAL,
        status=JoinRequest.Status.PENDING,
        name="Lee Min-ho",
        email="lee@example.org",
        accepted_objectives=True,
    )
    response = client.post(
        reverse("admin:members_joinrequest_changelist"),
        {"action": "approve", "_selected_action": [join_request.pk]},
    )
    assert response.status_code == 302
    latest = join_request.history.latest()
    assert latest.history_user == editor
    assert latest.status == JoinRequest.Status.APPROVED
    supporter = Supporter.objects.get(email="lee@example.org")
    assert supporter.history.get().history_user == editor


@pytest.mark.parametrize("versions", [3, 60])
def test_history_page_queries_do_not_grow_with_the_number_of_versions(
    client, site_settings, editor, supporter, django_assert_max_num_queries, versions
):
    statement = Statement.objects.create(title="Draft", slug="draft", language="en", body="Text.")
    for n in range(versions):
        supporter.affiliation = f"Affiliation {n}"
        supporter.save()
        statement.body = f"Text {n}."
        statement.author = editor
        statement.save()
    for obj in (supporter, statement):
        client.get(history_url(obj))  # warm the session and the content types
        # Nine: the editor's second-factor device is one of them. A statement's page also
        # reads the history of its signatures, documents and press contacts, and the people
        # its rows name (statements/history.py).
        with django_assert_max_num_queries(9 if obj is supporter else 12):
            page = client.get(history_url(obj))
        assert page.status_code == 200
        assert f"Affiliation {versions - 1}" in page.text or f"Text {versions - 1}." in page.text
