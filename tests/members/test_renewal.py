"""Yearly renewal: the status rules at each boundary, reminders, the daily job, lapsing,
the renewal page, the secretariat's hand and former members. The clock is moved with
time-machine (members/renewal.py reads `today` from it), never slept on."""

import datetime
import re

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User

from icnk.models import MembershipPeriod, OutboundEmail
from members import renewal
from members.models import Listing, MemberStatus, Organization, Supporter
from members.models import Visibility as V
from members.queries import member_counts
from members.renewal import State, membership_rules_apply, membership_state
from statements.models import Signature, Statement
from tests.factories import bulk_statements, login_with_two_factor

pytestmark = pytest.mark.django_db

D = datetime.date
JOINED = D(2024, 3, 5)  # a year from approval: the first period ends on 4 March 2025
END = D(2025, 3, 4)


def at(day):
    """Noon in Tokyo on `day`: what `timezone.localdate()` reads under time-machine."""
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, 3, 0, tzinfo=datetime.UTC), tick=False
    )


@pytest.fixture
def member(site_settings):
    return Organization.objects.create(
        name="Open North Korea",
        slug="open-north-korea",
        country="KR",
        member_since=JOINED,
        contact_name="Park",
        contact_email="office@onk.example.org",
        language="ko",
    )


def mails_to(address):
    return list(OutboundEmail.objects.filter(to=address).order_by("pk"))


# -- the rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "state"),
    [
        (D(2024, 3, 5), State.NEW),  # the day of approval
        (D(2024, 6, 4), State.NEW),  # last day of the first three months
        (D(2024, 6, 5), State.CURRENT),
        (END, State.CURRENT),  # the last day of the period
        (END + datetime.timedelta(days=1), State.GRACE),
        (END + datetime.timedelta(days=30), State.GRACE),  # the last day of grace
        (END + datetime.timedelta(days=31), State.LAPSED),
    ],
)
def test_status_follows_the_dates_at_each_boundary(member, day, state):
    member.renewed_until = END
    assert membership_state(member, today=day) == state


def test_calendar_years_end_on_31_december_and_late_joiners_run_to_the_next(site_settings):
    site_settings.membership_period = MembershipPeriod.CALENDAR
    site_settings.save()
    assert renewal.first_period_end(D(2024, 3, 5), MembershipPeriod.CALENDAR) == D(2024, 12, 31)
    assert renewal.first_period_end(D(2024, 10, 1), MembershipPeriod.CALENDAR) == D(2025, 12, 31)
    member = Organization.objects.create(
        name="A", slug="a", member_since=D(2024, 3, 5), renewed_until=D(2024, 12, 31)
    )
    assert membership_state(member, today=D(2025, 1, 10)) == State.GRACE
    renewal.membership_renew(member=member, today=D(2025, 1, 10))
    member.refresh_from_db()
    assert member.renewed_until == D(2025, 12, 31)


def test_a_member_without_a_recorded_end_gets_the_period_that_contains_today(member):
    # An old member (joined 2011) does not lapse for want of a date.
    member.member_since = D(2011, 10, 3)
    assert renewal.period_end(member, today=D(2026, 11, 30)) == D(2027, 10, 2)
    assert membership_state(member, today=D(2026, 11, 30)) == State.CURRENT


# -- reminders -----------------------------------------------------------------------------------


def test_the_reminder_goes_30_days_before_the_end_once_in_the_members_language(member):
    member.renewed_until = END
    member.save()
    membership_rules_apply(today=END - datetime.timedelta(days=31))
    assert mails_to("office@onk.example.org") == []
    membership_rules_apply(today=END - datetime.timedelta(days=30))
    membership_rules_apply(today=END - datetime.timedelta(days=30))
    membership_rules_apply(today=END - datetime.timedelta(days=5))
    (mail,) = mails_to("office@onk.example.org")
    assert "회원" in mail.subject  # Korean, the member's language
    assert "office@" not in re.search(r"https?://\S+", mail.body).group(0)  # no address in link


def test_renewing_makes_the_next_period_get_its_own_reminder(member, client):
    member.renewed_until = END
    member.save()
    membership_rules_apply(today=END - datetime.timedelta(days=30))
    renewal.membership_renew(member=member, today=END - datetime.timedelta(days=20))
    member.refresh_from_db()
    assert member.renewed_until == D(2026, 3, 4)
    membership_rules_apply(today=D(2026, 2, 2))
    assert len(mails_to("office@onk.example.org")) == 2


# -- the daily job -------------------------------------------------------------------------------


def test_the_job_catches_up_after_three_months_down_and_changes_nothing_the_second_time(member):
    member.renewed_until = END
    member.save()
    membership_rules_apply(today=END - datetime.timedelta(days=40))  # last run before downtime
    back = END + datetime.timedelta(days=90)
    assert membership_rules_apply(today=back) == {"reminded": 0, "lapsed": 1}
    member.refresh_from_db()
    assert member.status == MemberStatus.LAPSED
    # Lapsed on the day the rules say, not on the day the job came back.
    assert member.left_on == END + datetime.timedelta(days=31)
    (mail,) = mails_to("office@onk.example.org")
    assert "失効" in mail.subject or "만료" in mail.subject or "lapsed" in mail.subject
    assert membership_rules_apply(today=back) == {"reminded": 0, "lapsed": 0}
    assert membership_rules_apply(today=back + datetime.timedelta(days=1)) == {
        "reminded": 0,
        "lapsed": 0,
    }
    assert len(mails_to("office@onk.example.org")) == 1


def test_a_member_in_grace_is_reminded_and_still_counted(member):
    member.renewed_until = END
    member.save()
    membership_rules_apply(today=END + datetime.timedelta(days=3))
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE
    (mail,) = mails_to("office@onk.example.org")
    assert member_counts()[0]["organizations"] == 1


def test_a_lapsed_member_leaves_directory_counts_and_api_but_stays_on_what_it_signed(
    member, client
):
    (statement,) = _statement()
    Signature.objects.create(statement=statement, organization=member)
    person = Supporter.objects.create(
        full_name="Kim Min-ji",
        visibility=V.FULL_NAME,
        consent_visibility=V.FULL_NAME,
        consent_date=JOINED,
        member_since=JOINED,
        renewed_until=END,
    )
    Signature.objects.create(statement=statement, supporter=person)
    member.renewed_until = END
    member.save()
    assert "Open North Korea" in client.get("/en/members/").content.decode()
    with at(END + datetime.timedelta(days=31)):
        membership_rules_apply()
        directory = client.get("/en/members/").content.decode()
        home = client.get("/en/").content.decode()
        api = client.get("/api/v1/members/").json()
        signed = client.get(statement.get_absolute_url()).content.decode()
    assert "Open North Korea" not in directory
    assert "Kim Min-ji" not in directory
    assert "0 organizations" in directory
    assert "Open North Korea" not in home
    assert api["count"] == 0
    assert "Open North Korea" in signed
    assert "Kim Min-ji" in signed
    assert client.get("/en/members/open-north-korea/").status_code == 404


def _statement():
    """One statement published before the member joined, so that it is public on every day
    the test visits."""
    bulk_statements(1)
    published = datetime.datetime(2024, 1, 10, tzinfo=datetime.UTC)
    Statement.objects.update(published_at=published)
    return list(Statement.objects.all())


# -- the renewal page ----------------------------------------------------------------------------


def _link(member):
    member.renewed_until = END
    member.save()
    membership_rules_apply(today=END - datetime.timedelta(days=30))
    body = mails_to("office@onk.example.org")[0].body
    return re.search(r"https?://\S+", body).group(0).split("://", 1)[1].split("/", 1)[1]


def test_the_renewal_page_shows_the_public_profile_and_one_post_renews(member, client):
    path = "/" + _link(member)
    with at(END - datetime.timedelta(days=20)):
        page = client.get(path)
        assert page.status_code == 200
        html = page.content.decode()
        assert path.startswith("/ko/")  # the member's language
        assert "Open North Korea" in html and "열린북한" not in html
        assert "회원 자격 갱신하기" in html  # the one button
        assert "private, no-store" in page["Cache-Control"]
        member.refresh_from_db()
        assert member.renewed_until == END  # opening the link changed nothing
        done = client.post(path)
    assert done.status_code == 200
    member.refresh_from_db()
    assert member.renewed_until == D(2026, 3, 4)
    with at(END - datetime.timedelta(days=19)):
        again = client.post(path)
    assert "이미 갱신되었습니다" in again.content.decode()
    member.refresh_from_db()
    assert member.renewed_until == D(2026, 3, 4)  # the second click added nothing


@pytest.mark.django_db(transaction=True)
def test_one_link_clicked_twice_at_once_renews_one_year(member):
    """A double click: the second POST reads the link as unused while the first one's renewal
    is written but not yet committed. It waits for it, and then says the link was used
    instead of adding a second year."""
    from django.db import connection
    from django.test import Client

    from tests.factories import uncommitted_meanwhile

    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time: the two cannot overlap")
    path = "/" + _link(member)
    first = []
    with (
        at(END - datetime.timedelta(days=20)),
        uncommitted_meanwhile(lambda: first.append(Client().post(path))),
    ):
        second = Client().post(path)
    assert first[0].status_code == 200 and "이미 갱신되었습니다" not in first[0].content.decode()
    assert second.status_code == 200
    assert "이미 갱신되었습니다" in second.content.decode()  # "already renewed"
    member.refresh_from_db()
    assert member.renewed_until == D(2026, 3, 4)  # one year, not two


def test_a_forged_renewal_link_is_refused_with_a_page_not_a_crash(member, client):
    response = client.get("/en/members/renew/not-a-token/")
    assert response.status_code == 404
    assert "does not work" in response.content.decode()


def test_a_renewal_link_stops_working_for_a_contact_who_handed_over(member, client):
    """The link went to the contact of the time; once the organization's address is another
    (a handover), the former contact cannot renew in its name."""
    path = "/" + _link(member)
    member.contact_email = "successor@onk.example.org"
    member.save()
    with at(END - datetime.timedelta(days=5)):
        response = client.post(path)
    assert response.status_code == 404
    member.refresh_from_db()
    assert member.renewed_until is None or member.renewed_until < END + datetime.timedelta(days=1)


def test_a_lapsed_member_renewing_by_its_link_becomes_active_from_today(member, client):
    path = "/" + _link(member)
    late = END + datetime.timedelta(days=45)
    membership_rules_apply(today=late)
    with at(late):
        client.post(path)
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE
    assert member.renewed_until == late + datetime.timedelta(days=364)


# -- the secretariat's hand ----------------------------------------------------------------------


@pytest.fixture
def staff_client(client, db):
    user = User.objects.create_superuser("admin", "admin@example.org", "pw-long-enough-1")
    login_with_two_factor(client, user)
    return client


def test_the_secretariat_reinstates_a_lapsed_member_with_a_reason_and_it_is_logged(
    member, staff_client
):
    member.renewed_until = END
    member.save()
    membership_rules_apply(today=END + datetime.timedelta(days=40))
    url = f"/admin/members/organization/{member.pk}/membership/"
    with at(END + datetime.timedelta(days=41)):
        refused = staff_client.post(url, {"action": "reinstate", "reason": "  "})
        assert refused.status_code == 200
        assert "This field is required" in refused.content.decode()
        member.refresh_from_db()
        assert member.status == MemberStatus.LAPSED
        response = staff_client.post(url, {"action": "reinstate", "reason": "Paid by transfer"})
        assert response.status_code == 302
        member.refresh_from_db()
        assert member.status == MemberStatus.ACTIVE
        assert membership_state(member) == State.CURRENT
        # Tonight's job does not lapse it again.
        assert membership_rules_apply() == {"reminded": 0, "lapsed": 0}
    entry = LogEntry.objects.get(object_id=str(member.pk))
    assert "Paid by transfer" in entry.change_message
    assert member.history.filter(
        history_change_reason="Reinstated: Paid by transfer", history_user__username="admin"
    ).exists()


def test_the_secretariat_lapses_by_hand_and_the_member_leaves_the_counts(member, staff_client):
    url = f"/admin/members/organization/{member.pk}/membership/"
    staff_client.post(url, {"action": "lapse", "reason": "Dissolved"})
    member.refresh_from_db()
    assert member.status == MemberStatus.LAPSED
    assert member_counts()[0]["organizations"] == 0
    page = staff_client.get(f"/admin/members/organization/{member.pk}/change/").content.decode()
    assert "Renew, lapse or reinstate" in page


# -- former members ------------------------------------------------------------------------------


def test_former_members_are_listed_with_their_years_only_with_their_agreement(
    site_settings, client
):
    Organization.objects.create(
        name="Agreed Group",
        slug="agreed",
        member_since=D(2011, 10, 3),
        status=MemberStatus.LEFT,
        left_on=D(2024, 5, 1),
        former_listing_consent_on=D(2024, 5, 1),
    )
    Organization.objects.create(
        name="Silent Group",
        slug="silent",
        member_since=D(2012, 1, 1),
        status=MemberStatus.LAPSED,
        left_on=D(2023, 2, 1),
    )
    Organization.objects.create(
        name="Unlisted Group",
        slug="unlisted",
        listing=Listing.UNLISTED,
        member_since=D(2012, 1, 1),
        status=MemberStatus.LEFT,
        left_on=D(2023, 2, 1),
        former_listing_consent_on=D(2023, 2, 1),
    )
    Supporter.objects.create(
        full_name="Lee Agreed",
        visibility=V.INITIALS,
        status=MemberStatus.LAPSED,
        member_since=D(2015, 1, 1),
        left_on=D(2020, 1, 1),
        former_listing_consent_on=D(2020, 1, 1),
    )
    html = client.get("/en/members/").content.decode()
    former = html.split('id="former-heading"', 1)[1]
    assert "Agreed Group" in former and "2011–2024" in former
    assert "L. A." in former and "2015–2020" in former  # initials, as the person agreed
    assert "Lee Agreed" not in html
    assert "Silent Group" not in html
    assert "Unlisted Group" not in html
    assert "0 organizations" in html  # former members are not counted


def test_former_people_shown_alike_are_not_in_the_order_of_their_full_names(site_settings, client):
    """Three former supporters all shown as "Y. S.": only their years tell them apart, so the
    rows must not come in the order of the names they keep private."""
    for full_name, joined, left in [
        ("Yoon Seo-jin", 2016, 2023),  # created first, and last by full name
        ("Yang Soo-min", 2014, 2021),
        ("Yeo Sung-hoon", 2012, 2019),
    ]:
        Supporter.objects.create(
            full_name=full_name,
            visibility=V.INITIALS,
            country="KR",
            status=MemberStatus.LAPSED,
            member_since=D(joined, 1, 1),
            left_on=D(left, 1, 1),
            former_listing_consent_on=D(left, 1, 1),
        )
    former = client.get("/en/members/").content.decode().split('id="former-heading"', 1)[1]
    years = re.findall(r"Y\. S\..*?(20\d\d–20\d\d)", former, re.S)
    assert years == ["2012–2019", "2014–2021", "2016–2023"]  # by what the list prints


def test_lapsing_clears_the_cached_directory(member, client, settings):
    settings.PAGE_CACHE_SECONDS = 600
    member.renewed_until = END
    member.save()
    with at(END):
        assert "Open North Korea" in client.get("/en/members/").content.decode()
        membership_rules_apply(today=END + datetime.timedelta(days=31))
        assert "Open North Korea" not in client.get("/en/members/").content.decode()


# -- the dashboard panel -------------------------------------------------------------------------


def _desk_panel(client, key):
    response = client.get("/admin/")
    return next((p for p in response.context["panels"] if p["key"] == key), None)


def test_a_member_lapsed_by_the_rules_moves_to_recently_lapsed_on_the_desk(member, staff_client):
    member.renewed_until = END
    member.save()
    other = Organization.objects.create(
        name="Gone Group", slug="gone", member_since=JOINED, renewed_until=D(2025, 1, 1)
    )
    today = END - datetime.timedelta(days=10)
    membership_rules_apply(today=today)
    other.refresh_from_db()
    assert other.status == MemberStatus.LAPSED
    with at(today):
        expiring = _desk_panel(staff_client, "expiring-soon")
        lapsed = _desk_panel(staff_client, "recently-lapsed")
    assert [row.label for row in expiring["rows"]] == ["Open North Korea"]
    assert [row.label for row in lapsed["rows"]] == ["Gone Group"]


def _former(i):
    Organization.objects.create(
        name=f"Former Group {i:03}",
        slug=f"former-{i}",
        country="KR",
        member_since=D(2011, 10, 3),
        status=MemberStatus.LEFT,
        left_on=D(2024, 5, 1),
        former_listing_consent_on=D(2024, 5, 1),
    )
    Supporter.objects.create(
        full_name=f"Former Person {i:03}",
        visibility=V.FULL_NAME,
        country="JP",
        status=MemberStatus.LAPSED,
        member_since=D(2015, 1, 1),
        left_on=D(2020, 1, 1),
        former_listing_consent_on=D(2020, 1, 1),
    )


def test_the_former_members_section_costs_the_same_queries_at_any_size(
    site_settings, client, django_assert_num_queries, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    _former(0)
    client.get("/en/members/")  # warm the site-wide context, the counts and the former lists
    with django_assert_num_queries(0):  # both kept under the page cache's generation
        client.get("/en/members/")
    for i in range(1, 30):
        _former(i)
    # New members, a new generation: the counts (two queries), the two former lists, the
    # site settings and the navigation's campaign are read again at once, and then kept.
    with django_assert_num_queries(6):
        html = client.get("/en/members/").content.decode()
    assert "Former Person 029" in html and "Former Group 029" in html
    with django_assert_num_queries(0):
        assert client.get("/en/members/").content.decode() == html


def test_the_desk_lists_members_expiring_soon_and_recently_lapsed_with_links(member, staff_client):
    member.renewed_until = END
    member.save()
    person = Supporter.objects.create(
        full_name="Kim Expiring", member_since=JOINED, renewed_until=END + datetime.timedelta(1)
    )
    gone = Organization.objects.create(
        name="Gone Group",
        slug="gone",
        member_since=JOINED,
        status=MemberStatus.LAPSED,
        left_on=END - datetime.timedelta(days=3),
    )
    Organization.objects.create(  # lapsed too long ago to be news
        name="Long Gone",
        slug="long-gone",
        member_since=JOINED,
        status=MemberStatus.LAPSED,
        left_on=END - datetime.timedelta(days=200),
    )
    with at(END - datetime.timedelta(days=2)):
        expiring = _desk_panel(staff_client, "expiring-soon")
        lapsed = _desk_panel(staff_client, "recently-lapsed")
    assert expiring["count"] == 2
    assert [row.label for row in expiring["rows"]] == ["Open North Korea", "Kim Expiring"]
    assert expiring["rows"][0].url == f"/admin/members/organization/{member.pk}/change/"
    assert expiring["rows"][1].url == f"/admin/members/supporter/{person.pk}/change/"
    assert lapsed["count"] == 1
    assert [row.label for row in lapsed["rows"]] == ["Gone Group"]
    assert lapsed["rows"][0].url == f"/admin/members/organization/{gone.pk}/change/"


def test_a_member_in_its_grace_period_is_marked_on_the_desk(member, staff_client):
    member.renewed_until = END
    member.save()
    with at(END + datetime.timedelta(days=2)):
        [row] = _desk_panel(staff_client, "expiring-soon")["rows"]
    assert row.badge == "In its grace period"


def test_the_renewal_panels_are_hidden_from_staff_who_may_not_view_members(client, member):
    from django.contrib.auth.models import Permission

    from icnk.roles import EDITORS
    from tests.factories import make_staff

    user = make_staff("nora", EDITORS)
    user.groups.clear()
    user.user_permissions.add(Permission.objects.get(codename="view_statement"))
    login_with_two_factor(client, user)
    keys = [p["key"] for p in client.get("/admin/").context["panels"]]
    assert "drafts" in keys
    assert "expiring-soon" not in keys and "recently-lapsed" not in keys


def test_staff_who_may_view_only_organizations_see_no_supporter_on_the_desk(client, member):
    from django.contrib.auth.models import Permission

    from icnk.roles import EDITORS
    from tests.factories import make_staff

    member.renewed_until = END
    member.save()
    Supporter.objects.create(full_name="Kim Expiring", member_since=JOINED, renewed_until=END)
    user = make_staff("olga", EDITORS)
    user.groups.clear()
    user.user_permissions.add(Permission.objects.get(codename="view_organization"))
    login_with_two_factor(client, user)
    with at(END - datetime.timedelta(days=2)):
        expiring = _desk_panel(client, "expiring-soon")
    assert [row.label for row in expiring["rows"]] == ["Open North Korea"]
    assert expiring["count"] == 1


def test_the_supporters_admin_page_shows_the_membership_and_its_button(staff_client):
    person = Supporter.objects.create(full_name="Kim", member_since=JOINED, renewed_until=END)
    with at(END + datetime.timedelta(days=2)):
        page = staff_client.get(f"/admin/members/supporter/{person.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "In its grace period" in html
    assert f"/admin/members/supporter/{person.pk}/membership/" in html
    assert "Agreed to be listed as a former member on" in html
