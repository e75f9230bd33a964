"""Signatories in bulk, and one withdrawal with its date, from the statement's page."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.utils import timezone

from members import services as member_services
from members.models import Listing, MemberStatus, Organization, OrganizationKind, Supporter
from members.models import Visibility as V
from statements.models import Signature
from tests.factories import login_with_two_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(db):
    make = Organization.objects.create
    return {
        "nkdb": make(name="Database Center for North Korean Human Rights", acronym="NKDB",
                     local_name="북한인권정보센터", slug="nkdb", country="KR",
                     kind=OrganizationKind.NATIONAL_NGO),
        "lifefunds": make(name="Life Funds for North Korean Refugees", slug="life-funds",
                          local_name="北朝鮮難民救援基金", country="JP",
                          kind=OrganizationKind.NATIONAL_NGO),
        "hrw": make(name="Human Rights Watch", acronym="HRW", slug="hrw",
                    kind=OrganizationKind.INTERNATIONAL_NGO),
        "counted": make(name="Quiet Group", slug="quiet", country="KR", listing=Listing.COUNTED),
        "unlisted": make(name="Unlisted Group", slug="unlisted", listing=Listing.UNLISTED),
        "left": make(name="Former Member", slug="former", status=MemberStatus.LEFT,
                     left_on=datetime.date(2020, 1, 1)),
    }  # fmt: skip


@pytest.fixture
def people(db, administrator):
    scholte = Supporter.objects.create(full_name="Suzanne Scholte", visibility=V.FULL_NAME)
    hidden = Supporter.objects.create(full_name="Park Min-su", visibility=V.INITIALS, country="KR")
    gone = Supporter.objects.create(full_name="Taken Person", visibility=V.FULL_NAME)
    member_services.take_down(supporter=gone, user=administrator)
    return {"scholte": scholte, "initials": hidden, "gone": gone}


@pytest.fixture
def desk(client, editor):
    login_with_two_factor(client, editor)
    return client


def url(statement):
    return f"/admin/statements/statement/{statement.pk}/signatories/"


def signed(statement):
    return sorted(str(s) for s in Signature.objects.filter(statement=statement))


def add(client, statement, organizations=(), supporters=(), **extra):
    data = {"step": "add", "organizations": [o.pk for o in organizations]}
    data["supporters"] = [p.pk for p in supporters]
    data["signed_on"] = timezone.localdate().isoformat()
    return client.post(url(statement), {**data, **extra})


def test_the_statement_page_shows_where_sign_on_stands_and_links_to_bulk_add(
    desk, statement, members
):
    Signature.objects.create(statement=statement, organization=members["hrw"])
    Signature.objects.create(
        statement=statement, organization=members["nkdb"], withdrawn_on=timezone.localdate()
    )
    html = desk.get(f"/admin/statements/statement/{statement.pk}/change/").text
    assert "1 signatory" in html and "1 withdrawn" in html
    assert f'href="{url(statement)}"' in html


def test_all_active_members_are_reviewed_then_added_once(desk, statement, members):
    Signature.objects.create(statement=statement, organization=members["hrw"])
    review = desk.post(url(statement), {"step": "group"}).text
    for key in ("nkdb", "lifefunds", "counted"):
        assert f'name="organizations" value="{members[key].pk}" checked' in review
    for key in ("unlisted", "left"):
        assert f'value="{members[key].pk}"' not in review
    assert "1 signed already" in review and "Human Rights Watch" in review
    assert Signature.objects.filter(statement=statement).count() == 1  # nothing yet

    chosen = [members["nkdb"], members["lifefunds"], members["counted"], members["hrw"]]
    add(desk, statement, organizations=chosen)
    add(desk, statement, organizations=chosen)  # twice: still once each
    assert Signature.objects.filter(statement=statement).count() == 4
    new = Signature.objects.get(statement=statement, organization=members["nkdb"])
    assert new.signed_on == timezone.localdate()
    assert new.name_at_signing == "Database Center for North Korean Human Rights (NKDB)"
    assert LogEntry.objects.filter(object_id=str(statement.pk)).exists()


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ({"country": "KR"}, {"nkdb", "counted"}),
        ({"region": "asia"}, {"nkdb", "lifefunds", "counted"}),
        ({"kind": "international_ngo"}, {"hrw"}),
    ],
)
def test_members_of_a_region_country_or_kind(desk, statement, members, choice, expected):
    review = desk.post(url(statement), {"step": "group", **choice}).text
    offered = {k for k, o in members.items() if f'name="organizations" value="{o.pk}"' in review}
    assert offered == expected


def test_people_join_a_group_only_when_asked_and_never_a_taken_down_one(
    desk, statement, members, people
):
    without = desk.post(url(statement), {"step": "group"}).text
    assert 'name="supporters"' not in without
    review = desk.post(url(statement), {"step": "group", "include_people": "on"}).text
    assert f'name="supporters" value="{people["scholte"].pk}" checked' in review
    # Shown as the person agreed: their initials, not the name staff see.
    assert "shown to the public as “P. M.”" in review
    assert "Taken Person" not in review


def test_a_pasted_list_is_matched_in_any_language_and_case_with_the_misses_listed(
    desk, statement, members, people
):
    Signature.objects.create(statement=statement, organization=members["hrw"])
    pasted = "\n".join(
        [
            "1. database center for NORTH KOREAN human rights",
            "・北朝鮮難民救援基金",
            "북한인권 정보센터",  # a space the stored name does not have
            "HRW",
            "Suzanne  Scholte",
            "Taken Person",
            "Former Member",
            "No Such Group",
            "",
        ]
    )
    review = desk.post(url(statement), {"step": "paste", "names": pasted}).text
    assert f'name="organizations" value="{members["nkdb"].pk}" checked' in review
    assert f'name="organizations" value="{members["lifefunds"].pk}" checked' in review
    assert f'name="supporters" value="{people["scholte"].pk}" checked' in review
    assert "3 lines matched nobody" in review
    unmatched = review[review.index('class="signatory-unmatched"') :]
    for line in ("Taken Person", "Former Member", "No Such Group"):
        assert f"<li>{line}</li>" in unmatched
    assert "1 signed already" in review
    assert Signature.objects.filter(statement=statement).count() == 1

    add(desk, statement, organizations=[members["nkdb"], members["lifefunds"]],
        supporters=[people["scholte"]])  # fmt: skip
    assert Signature.objects.filter(statement=statement).count() == 4


def test_a_pick_adds_at_once_with_the_date_chosen(desk, statement, members, people):
    response = add(
        desk,
        statement,
        organizations=[members["lifefunds"]],
        supporters=[people["scholte"]],
        signed_on="2026-03-01",
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/{statement.pk}/change/#signatures-group")
    dates = set(Signature.objects.filter(statement=statement).values_list("signed_on", flat=True))
    assert dates == {datetime.date(2026, 3, 1)}


def test_a_taken_down_person_is_refused_even_when_posted(desk, statement, people):
    response = add(desk, statement, supporters=[people["gone"]])
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Signature.objects.filter(statement=statement).exists()


def test_the_search_never_offers_a_taken_down_person(desk, statement, people):
    found = desk.get(
        "/admin/autocomplete/",
        {
            "term": "",
            "app_label": "statements",
            "model_name": "signature",
            "field_name": "supporter",
        },
    ).json()
    names = {r["text"] for r in found["results"]}
    assert "Suzanne Scholte" in names and "Taken Person" not in names


def test_the_search_widget_is_the_admins_autocomplete(desk, statement):
    html = desk.get(url(statement)).text
    assert 'class="admin-autocomplete' in html and "admin/js/autocomplete.js" in html
    assert 'type="date" name="signed_on"' in html
    assert f'value="{timezone.localdate().isoformat()}"' in html


def test_the_inline_refuses_a_new_row_for_a_taken_down_person(desk, statement, people):
    from tests.statements.test_admin import _empty_inlines

    data = {
        "title": statement.title, "slug": statement.slug, "language": "en",
        "kind": statement.kind, "body": statement.body, "summary": statement.summary,
        "status": statement.status, "dateline": statement.dateline,
        "published_at_0": timezone.localtime(statement.published_at).strftime("%Y-%m-%d"),
        "published_at_1": timezone.localtime(statement.published_at).strftime("%H:%M:%S"),
        **_empty_inlines(),
        "signatures-TOTAL_FORMS": "1",
        "signatures-0-supporter": str(people["gone"].pk),
        "signatures-0-order": "1",
        "signatures-0-signed_on": timezone.localdate().isoformat(),
    }  # fmt: skip
    response = desk.post(f"/admin/statements/statement/{statement.pk}/change/", data)
    assert "This person is taken down or no longer a member" in response.text
    assert not Signature.objects.filter(statement=statement).exists()


def test_a_translation_sends_the_desk_to_its_original(desk, translations, statement):
    response = desk.get(url(translations["ko"]))
    assert response.status_code == 302 and response["Location"] == url(statement)


# -- withdrawing one ---------------------------------------------------------------------------


@pytest.fixture
def signature(statement, members):
    return Signature.objects.create(
        statement=statement, organization=members["nkdb"], signed_on=datetime.date(2026, 1, 5)
    )


def withdraw_url(signature):
    return (
        f"/admin/statements/statement/{signature.statement_id}/signatories/{signature.pk}/withdraw/"
    )


def test_each_row_links_to_its_withdrawal(desk, statement, signature):
    html = desk.get(f"/admin/statements/statement/{statement.pk}/change/").text
    assert f'href="{withdraw_url(signature)}"' in html


def test_withdraw_one_with_a_date_in_one_step_recorded_in_history(
    desk, editor, statement, signature
):
    form = desk.get(withdraw_url(signature)).text
    assert f'value="{timezone.localdate().isoformat()}"' in form  # today by default
    response = desk.post(withdraw_url(signature), {"withdrawn_on": "2026-02-01"})
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.withdrawn_on == datetime.date(2026, 2, 1)
    last = signature.history.latest("history_date")
    assert last.history_user == editor and last.withdrawn_on == datetime.date(2026, 2, 1)
    assert LogEntry.objects.filter(
        object_id=str(statement.pk), change_message__contains="withdrawn"
    ).exists()
    html = desk.get(f"/admin/statements/statement/{statement.pk}/change/").text
    assert f'href="{withdraw_url(signature)}"' not in html and "withdrawn on" in html


def test_a_withdrawal_before_signing_or_in_the_future_is_refused(desk, signature):
    before = desk.post(withdraw_url(signature), {"withdrawn_on": "2026-01-04"})
    assert "cannot be withdrawn before it was given (2026-01-05)" in before.text
    later = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    assert (
        "cannot be dated in the future"
        in desk.post(withdraw_url(signature), {"withdrawn_on": later}).text
    )
    assert (
        "Enter a valid date" in desk.post(withdraw_url(signature), {"withdrawn_on": "01/12"}).text
    )
    signature.refresh_from_db()
    assert signature.withdrawn_on is None


def test_staff_who_may_only_view_cannot_add_or_withdraw(
    client, statement, signature, members, django_user_model
):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user("viewer", password="x-long-pw", is_staff=True)
    viewer.user_permissions.add(*Permission.objects.filter(codename__startswith="view_"))
    login_with_two_factor(client, viewer)
    assert client.get(url(statement)).status_code == 403
    assert add(client, statement, organizations=[members["hrw"]]).status_code == 403
    assert client.post(withdraw_url(signature), {"withdrawn_on": "2026-02-01"}).status_code == 403
    assert Signature.objects.filter(statement=statement).count() == 1


def test_the_statement_page_lists_its_translations_with_outdated_ones_marked(
    desk, statement, translations
):
    from statements.models import Statement

    # The original changed after its Japanese version was last edited.
    Statement.objects.filter(pk=translations["ja"].pk).update(
        updated_at=statement.updated_at - datetime.timedelta(days=1)
    )
    html = desk.get(f"/admin/statements/statement/{statement.pk}/change/").text
    for version in translations.values():
        assert f'href="/admin/statements/statement/{version.pk}/change/"' in html
    assert html.count("older than its original") == 1


@pytest.mark.parametrize("size", [5, 60])
def test_the_bulk_add_pages_keep_their_query_count(
    desk, statement, django_assert_max_num_queries, size
):
    from tests.factories import bulk_organizations

    bulk_organizations(size)
    with django_assert_max_num_queries(20):
        assert desk.get(url(statement)).status_code == 200
    with django_assert_max_num_queries(20):
        assert "to add" in desk.post(url(statement), {"step": "group"}).text
    names = "\n".join(f"Organization {i:04d}" for i in range(size))
    with django_assert_max_num_queries(20):
        assert "to add" in desk.post(url(statement), {"step": "paste", "names": names}).text


def test_the_service_itself_never_signs_a_taken_down_person(statement, people, editor):
    from statements import services

    added = services.signatures_add(
        statement=statement, user=editor, supporters=[people["gone"], people["scholte"]]
    )
    assert [s.supporter for s in added] == [people["scholte"]]
    assert (
        services.signatures_add(statement=statement, user=editor, supporters=[people["scholte"]])
        == []
    )
