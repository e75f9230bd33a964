"""A statement's signatory list is a record."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone
from django.utils.text import slugify

from members.models import JoinRequest, Listing, MemberStatus, Organization, Supporter, Visibility
from members.services import join_request_approve
from statements.models import Signature
from statements.queries import signatories, signed_by
from tests.factories import login_with_two_factor

pytestmark = pytest.mark.django_db


def page(client, statement):
    return client.get(statement.get_absolute_url()).content.decode()


def test_an_organization_keeps_the_name_it_signed_with(client, site_settings, statement):
    organization = Organization.objects.create(name="Open North Korea", slug="onk")
    Signature.objects.create(statement=statement, organization=organization)
    organization.name = "Renamed Organization"
    organization.save()
    html = page(client, statement)
    assert "Open North Korea" in html
    assert "Renamed Organization" not in html


def test_a_member_that_left_stays_on_what_it_signed(client, site_settings, statement):
    organization = Organization.objects.create(name="People In Need", slug="pin")
    Signature.objects.create(statement=statement, organization=organization)
    organization.status = MemberStatus.LEFT
    organization.save()
    assert "People In Need" in page(client, statement)


def approve_organization(name, reviewer):
    """An organization that asked to join, approved by the secretariat as in the admin."""
    join_request = JoinRequest.objects.create(
        kind=JoinRequest.Kind.ORGANIZATION,
        status=JoinRequest.Status.PENDING,
        name=name,
        country="KR",
        email=f"office@{slugify(name)}.example.org",
        accepted_objectives=True,
    )
    return join_request_approve(join_request=join_request, reviewer=reviewer)


def sign_for_all_active_members(client, statement):
    """The statement admin's "Add all active members as signatories" action."""
    response = client.post(
        "/admin/statements/statement/",
        {"action": "add_all_active_members", "_selected_action": [statement.pk]},
    )
    assert response.status_code == 302


def test_a_member_approved_later_is_not_added_to_old_statements(
    client, site_settings, editor, make_statement
):
    approve_organization("Founding Group", editor)
    old = make_statement(slug="old")
    login_with_two_factor(client, editor)
    sign_for_all_active_members(client, old)

    approve_organization("Newcomer Group", editor)
    new = make_statement(slug="new")
    sign_for_all_active_members(client, new)
    client.logout()

    assert "Founding Group" in page(client, old)
    assert "Newcomer Group" not in page(client, old)
    # The newcomer is an active member: a statement signed for all members after it joined has it.
    assert "Newcomer Group" in page(client, new)


def test_a_withdrawn_signature_is_shown_as_withdrawn_with_its_date(
    client, site_settings, statement, organization
):
    Signature.objects.create(
        statement=statement, organization=organization, withdrawn_on=datetime.date(2013, 2, 1)
    )
    html = page(client, statement)
    assert "Human Rights Watch (HRW)" in html
    assert "withdrawn on 1 February 2013" in html
    # It no longer counts among the statements the organization stands behind.
    assert not signed_by(organization, "en").exists()


def test_signatures_after_publication_show_as_later_endorsements(
    client, site_settings, make_statement, organization
):
    statement = make_statement(
        published_at=datetime.datetime(2013, 1, 28, 2, 0, tzinfo=datetime.UTC)
    )
    Signature.objects.create(
        statement=statement, organization=organization, signed_on=datetime.date(2013, 1, 28)
    )
    late = Organization.objects.create(name="Han Voice", slug="han-voice")
    Signature.objects.create(
        statement=statement, organization=late, signed_on=datetime.date(2013, 3, 2)
    )
    html = page(client, statement)
    assert html.count("endorsed later") == 1
    assert "endorsed later, on 2 March 2013" in html


def test_people_appear_only_as_their_visibility_allows_today(client, site_settings, statement):
    people = {
        "full": Supporter.objects.create(full_name="David Hawk", visibility=Visibility.FULL_NAME),
        "initials": Supporter.objects.create(full_name="Ken Kato", visibility=Visibility.INITIALS),
        "counted1": Supporter.objects.create(
            full_name="Counted One", visibility=Visibility.COUNTED
        ),
        "counted2": Supporter.objects.create(
            full_name="Counted Two", visibility=Visibility.COUNTED
        ),
        "hidden": Supporter.objects.create(full_name="Hidden Person", visibility=Visibility.HIDDEN),
    }
    for person in people.values():
        Signature.objects.create(statement=statement, supporter=person)
    html = page(client, statement)
    assert "David Hawk" in html
    assert "K. K." in html and "Ken Kato" not in html
    assert "Counted One" not in html and "Hidden Person" not in html
    assert "and 2 other individuals" in html

    # Taken down today: gone from every old statement at once, the record kept for staff.
    people["full"].visibility = Visibility.HIDDEN
    people["full"].taken_down_at = timezone.now()
    people["full"].save()
    assert "David Hawk" not in page(client, statement)
    assert Signature.objects.filter(supporter=people["full"]).exists()


def test_each_signatory_row_shows_its_link_affiliation_and_withdrawal(
    client, site_settings, statement, organization
):
    person = Supporter.objects.create(
        full_name="Marzuki Darusman",
        affiliation="former Attorney General of Indonesia",
        visibility=Visibility.FULL_NAME,
    )
    Signature.objects.create(statement=statement, organization=organization)
    Signature.objects.create(
        statement=statement, supporter=person, withdrawn_on=datetime.date(2013, 3, 4)
    )
    html = page(client, statement)
    assert f'<a href="{organization.get_absolute_url()}">Human Rights Watch (HRW)</a>' in html
    assert (
        'Marzuki Darusman<span class="signatory__affiliation">, '
        "former Attorney General of Indonesia</span>"
    ) in html
    assert html.count('class="signatory--withdrawn"') == 1
    assert "withdrawn on 4 March 2013" in html


def test_a_person_who_signed_more_privately_shows_at_that_level_with_no_affiliation(
    client, site_settings, statement
):
    full = {"visibility": Visibility.FULL_NAME, "affiliation": "Seoul National University"}
    initials = Supporter.objects.create(full_name="Marzuki Darusman", **full)
    counted = Supporter.objects.create(full_name="Sonja Biserko", **full)
    Signature.objects.create(statement=statement, supporter=initials, visibility="initials")
    Signature.objects.create(statement=statement, supporter=counted, visibility="counted")
    html = page(client, statement)
    assert "<li>\n            M. D.\n" in html
    assert "Marzuki" not in html and "Sonja" not in html and "Seoul National" not in html
    assert "and 1 other individual" in html
    # The person's own level is untouched: elsewhere they are still shown by name.
    initials.refresh_from_db()
    assert initials.visibility == Visibility.FULL_NAME


def test_counted_and_unlisted_organizations_are_never_named(statement):
    counted = Organization.objects.create(name="Quiet Group", slug="q", listing=Listing.COUNTED)
    unlisted = Organization.objects.create(name="Secret Group", slug="s", listing=Listing.UNLISTED)
    for organization in (counted, unlisted):
        Signature.objects.create(statement=statement, organization=organization)
    result = signatories(statement)
    assert result.organizations == []
    assert result.other_organizations == 1


def test_translations_share_the_signatures_of_their_original(
    client, site_settings, statement, translations, organization, supporter
):
    Signature.objects.create(statement=statement, organization=organization, order=1)
    Signature.objects.create(statement=statement, supporter=supporter, order=2)
    html = page(client, translations["ja"])
    assert "Human Rights Watch (HRW)" in html and "Suzanne Scholte" in html
    # The organization's page lists the statement in the reader's language.
    assert [s.title for s in signed_by(organization, "ja")] == [translations["ja"].title]
    assert [s.title for s in signed_by(organization, "en")] == [statement.title]


def test_korean_and_japanese_versions_list_organizations_by_their_local_name_in_that_order(
    client, site_settings, statement, translations
):
    members = [
        ("Open North Korea", "ONK", "KR", "열린북한"),
        ("Citizens' Alliance for North Korean Human Rights", "NKHR", "KR", "북한인권시민연합"),
        ("Life Funds for North Korean Refugees", "LFNKR", "JP", "北朝鮮難民救援基金"),
        ("Human Rights Watch", "HRW", "", ""),
    ]
    for order, (name, acronym, country, local_name) in enumerate(members):
        organization = Organization.objects.create(
            name=name, acronym=acronym, slug=acronym.lower(), country=country, local_name=local_name
        )
        Signature.objects.create(statement=statement, organization=organization, order=order)

    def names(version):
        return [line.name for line in signatories(version).organizations]

    # English keeps the signing order and the English names.
    assert names(statement) == [f"{name} ({acronym})" for name, acronym, _c, _l in members]
    # Korean: Korean names in 가나다 order; the others keep their English name (Latin first).
    assert names(translations["ko"]) == [
        "Human Rights Watch (HRW)",
        "Life Funds for North Korean Refugees (LFNKR)",
        "북한인권시민연합",
        "열린북한",
    ]
    # Japanese: the Japanese name where there is one.
    assert names(translations["ja"]) == [
        "Citizens' Alliance for North Korean Human Rights (NKHR)",
        "Human Rights Watch (HRW)",
        "Open North Korea (ONK)",
        "北朝鮮難民救援基金",
    ]
    assert "열린북한" in page(client, translations["ko"])
    # A later change of local name does not rewrite the record.
    Organization.objects.filter(slug="onk").update(local_name="새이름")
    assert "열린북한" in names(translations["ko"])


def test_the_migration_gives_earlier_signatures_the_organizations_local_name(statement):
    migration = importlib.import_module(
        "statements.migrations.0006_local_names_file_names_headings"
    )
    organization = Organization.objects.create(
        name="Open North Korea", slug="onk", country="KR", local_name="열린북한"
    )
    signature = Signature.objects.create(statement=statement, organization=organization)
    Signature.objects.filter(pk=signature.pk).update(local_name_at_signing="")  # as before

    migration.backfill_local_names(apps, None)

    signature.refresh_from_db()
    assert signature.local_name_at_signing == "열린북한"


@pytest.mark.parametrize("version", ["en", "ko"])
def test_people_are_listed_by_the_name_they_show_never_by_their_private_name(
    client, site_settings, statement, translations, version
):
    """Signatures are added in the order of their full names wherever the desk or a drive
    takes people in their default order: listed so, a pseudonym would sit where its real name
    sorts, between "Kim Min-ji" and "Kim Min-seo"."""
    named = {"visibility": Visibility.FULL_NAME}
    people = [
        Supporter.objects.create(full_name="Kim Min-ji", **named),
        Supporter.objects.create(
            full_name="Kim Min-jung", display_name="Hope", visibility=Visibility.DISPLAY_NAME
        ),
        Supporter.objects.create(full_name="Kim Min-seo", **named),
        Supporter.objects.create(full_name="Yoon Seo-yeon", visibility=Visibility.INITIALS),
        # Shown in Hangul, which an English reading order cannot sort by itself.
        Supporter.objects.create(
            full_name="Zoo Ahn", display_name="하늘", visibility=Visibility.DISPLAY_NAME
        ),
        Supporter.objects.create(
            full_name="Zoo Baek", display_name="가람", visibility=Visibility.DISPLAY_NAME
        ),
    ]
    for order, person in enumerate(people, start=1):  # in the order of their full names
        Signature.objects.create(statement=statement, supporter=person, order=order)
    shown = statement if version == "en" else translations[version]
    expected = (
        ["가람", "하늘", "Hope", "Kim Min-ji", "Kim Min-seo", "Y. S."]
        if version == "en"
        else ["Hope", "Kim Min-ji", "Kim Min-seo", "Y. S.", "가람", "하늘"]
    )
    assert [line.name for line in signatories(shown).individuals] == expected
    html = page(client, shown)
    assert sorted(expected, key=html.index) == expected
    api = client.get(f"/api/v1/statements/{shown.slug}/").json()
    assert [line["name"] for line in api["signatories"]["individuals"]] == expected


def test_people_printed_alike_are_not_ordered_by_their_private_names_in_the_api(
    client, site_settings, statement
):
    """Two people shown as "K. M." who signed on different days: the API prints the dates,
    so their order must follow the dates, not the signing order (full names)."""
    first = Supporter.objects.create(full_name="Kim Min-ji", visibility=Visibility.INITIALS)
    second = Supporter.objects.create(full_name="Kim Min-seo", visibility=Visibility.INITIALS)
    Signature.objects.create(
        statement=statement, supporter=first, order=1, signed_on=datetime.date(2013, 1, 27)
    )
    Signature.objects.create(
        statement=statement, supporter=second, order=2, signed_on=datetime.date(2013, 1, 23)
    )
    api = client.get(f"/api/v1/statements/{statement.slug}/").json()
    people = api["signatories"]["individuals"]
    assert [p["name"] for p in people] == ["K. M.", "K. M."]
    assert [p["signed_on"] for p in people] == ["2013-01-23", "2013-01-27"]
