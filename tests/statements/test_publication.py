"""Explicit states in the admin: saving never publishes; "Publish now", "Schedule…" and
"Unpublish" each ask for confirmation on a page that says when, in the coalition's time zone."""

import datetime
import re
import zoneinfo

import pytest
from django.contrib.admin.models import LogEntry
from django.utils import timezone, translation

from statements.models import Statement
from statements.publication import when_public
from tests.factories import login_with_two_factor

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/statements/statement/"


def _empty_inlines():
    data = {}
    for prefix in ("signatures", "attachments", "press_contacts"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return data


def _form(statement, **extra):
    """What the change form posts for `statement`, unchanged unless told."""
    return {
        "title": statement.title,
        "slug": statement.slug,
        "language": statement.language,
        "kind": statement.kind,
        "summary": statement.summary,
        "body": statement.body,
        "dateline": statement.dateline,
        **_empty_inlines(),
        **extra,
    }


def _iso(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def draft(make_statement):
    return make_statement(
        title="Embargoed release", slug="embargoed", status="draft", published_at=None
    )


@pytest.fixture
def desk(client, editor):
    login_with_two_factor(client, editor)
    return client


def test_saving_never_publishes_whatever_the_post_says(desk, draft):
    """The state is not a field: a forged status or time in the post is ignored."""
    html = desk.get(f"{CHANGELIST}{draft.pk}/change/").content.decode()
    assert 'name="status"' not in html and 'name="published_at"' not in html
    assert 'value="Save draft"' in html and 'name="_publish"' in html
    assert 'name="_schedule"' in html and 'type="datetime-local"' in html
    assert '<output class="datetime-iso"></output> Asia/Tokyo</span>' in html  # beside it

    past = timezone.now() - datetime.timedelta(days=1)
    response = desk.post(
        f"{CHANGELIST}{draft.pk}/change/",
        _form(draft, title="Edited", status="published", published_at=past.isoformat(),
              _continue="Save draft"),
    )  # fmt: skip
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.status, draft.published_at) == ("Edited", "draft", None)
    assert desk.get("/en/statements/embargoed/").status_code == 404


def test_a_time_typed_but_saved_as_draft_schedules_nothing_and_says_so(desk, draft):
    later = timezone.now() + datetime.timedelta(days=1)
    response = desk.post(
        f"{CHANGELIST}{draft.pk}/change/",
        _form(draft, schedule_at=_iso(later), _continue="Save draft"),
        follow=True,
    )
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert "Saved, not scheduled" in response.content.decode()


def test_publish_now_saves_the_text_then_asks_and_publishes_only_when_confirmed(desk, draft):
    response = desk.post(
        f"{CHANGELIST}{draft.pk}/change/", _form(draft, body="Final text.", _publish="Publish")
    )
    confirm = f"{CHANGELIST}{draft.pk}/publish/"
    assert response.status_code == 302 and response["Location"] == confirm
    draft.refresh_from_db()
    assert (draft.body, draft.status) == ("Final text.", "draft")  # saved, not published

    page = desk.get(confirm).content.decode()
    assert "It will be public at once, at " in page and "Asia/Tokyo time" in page
    assert Statement.objects.get(pk=draft.pk).status == "draft"

    response = desk.post(confirm)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_public
    assert desk.get("/en/statements/embargoed/").status_code == 200
    assert draft.history.latest().history_change_reason == "Published"
    assert LogEntry.objects.filter(object_id=str(draft.pk), change_message="Published").exists()


def test_schedule_says_when_relatively_and_absolutely_in_the_coalitions_time_zone(desk, draft):
    # Three hours from now, to the nearest minute (a picker's precision).
    at = (timezone.now() + datetime.timedelta(hours=3, seconds=30)).replace(second=0, microsecond=0)
    response = desk.post(
        f"{CHANGELIST}{draft.pk}/change/",
        _form(draft, schedule_at=_iso(at), _schedule="Schedule…"),
    )
    assert response.status_code == 302
    assert response["Location"].startswith(f"{CHANGELIST}{draft.pk}/schedule/?at=")
    assert Statement.objects.get(pk=draft.pk).status == "draft"

    page = desk.get(response["Location"]).content.decode().replace("\xa0", " ")
    local = timezone.localtime(at)
    absolute = f"at {local:%H:%M} on {local.day} {local:%B %Y}, Asia/Tokyo time"
    assert re.search(rf"It will be public in (3 hours|2 hours, 59 minutes), {absolute}\.", page)

    desk.post(f"{CHANGELIST}{draft.pk}/schedule/", {"at": _iso(at)})
    draft.refresh_from_db()
    assert draft.state == Statement.State.SCHEDULED and draft.published_at == at
    assert desk.get("/en/statements/embargoed/").status_code == 404
    assert "Scheduled" in desk.get(CHANGELIST).content.decode()
    assert draft.history.latest().history_change_reason == "Scheduled"


TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
NOW = datetime.datetime(2026, 12, 1, 6, 0, 20, tzinfo=TOKYO)
AT = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=TOKYO)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "in 3 hours, at 09:00 on 1 December 2026, Asia/Tokyo time"),
        ("ko", "3시간 후인 2026년 12월 1일 09:00(Asia/Tokyo 시간)에"),
        ("ja", "3時間後の2026年12月1日 09:00（Asia/Tokyo時間）に"),
    ],
)
def test_when_public_reads_naturally_in_each_language(language, expected):
    with translation.override(language), timezone.override(TOKYO):
        assert when_public(AT, now=NOW).replace("\xa0", " ") == expected


def test_the_confirmation_speaks_korean_and_japanese(desk, draft):
    at = (timezone.now() + datetime.timedelta(hours=30)).replace(second=0, microsecond=0)
    local = timezone.localtime(at)
    url = f"{CHANGELIST}{draft.pk}/schedule/?at={_iso(at)}"
    korean = desk.get(url, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    date_ko = f"{local.year}년 {local.month}월 {local.day}일 {local:%H:%M}"
    assert f"후인 {date_ko}(Asia/Tokyo 시간)에 공개됩니다." in korean
    assert "네, 예약합니다" in korean
    japanese = desk.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    date_ja = f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
    assert f"後の{date_ja}（Asia/Tokyo時間）に公開されます。" in japanese
    assert "はい、予約します" in japanese


@pytest.mark.parametrize(
    "typed",
    ["01/12/2026", "01/12/2026 09:00", "12/01/2026 9:00 AM", "1 December", "soon", "2026-13-01T9"],
)
def test_a_garbled_or_locale_formatted_date_is_an_error_and_publishes_nothing(desk, draft, typed):
    response = desk.post(
        f"{CHANGELIST}{draft.pk}/change/",
        _form(draft, title="Kept", schedule_at=typed, _schedule="Schedule…"),
        HTTP_ACCEPT_LANGUAGE="en-GB",
    )
    assert response.status_code == 200
    assert "Enter the date and time with the date picker" in response.content.decode()
    # Straight at the confirmation, too.
    response = desk.post(f"{CHANGELIST}{draft.pk}/schedule/", {"at": typed})
    assert response.status_code == 400
    assert "Enter the date and time with the date picker" in response.content.decode()
    draft.refresh_from_db()
    assert (draft.title, draft.status, draft.published_at) == ("Embargoed release", "draft", None)
    assert not LogEntry.objects.filter(object_id=str(draft.pk)).exists()


def test_a_time_in_the_past_is_a_form_error(desk, draft):
    past = timezone.now() - datetime.timedelta(hours=1)
    response = desk.post(
        f"{CHANGELIST}{draft.pk}/change/",
        _form(draft, schedule_at=_iso(past), _schedule="Schedule…"),
    )
    assert response.status_code == 200
    assert "Choose a time in the future" in response.content.decode()
    response = desk.post(f"{CHANGELIST}{draft.pk}/schedule/", {"at": _iso(past)})
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_unpublish_keeps_the_date_and_publishing_again_restores_it(desk, statement):
    first = statement.published_at
    html = desk.get(f"{CHANGELIST}{statement.pk}/change/").content.decode()
    assert 'name="_unpublish"' in html and 'name="_publish"' not in html
    page = desk.get(f"{CHANGELIST}{statement.pk}/unpublish/").content.decode()
    assert "Readers will no longer see it" in page
    desk.post(f"{CHANGELIST}{statement.pk}/unpublish/")
    statement.refresh_from_db()
    assert statement.state == Statement.State.UNPUBLISHED and statement.published_at == first
    assert desk.get(statement.get_absolute_url()).status_code == 404
    assert "Unpublished" in desk.get(CHANGELIST).content.decode()

    desk.post(f"{CHANGELIST}{statement.pk}/publish/")
    statement.refresh_from_db()
    assert statement.is_public and statement.published_at == first


def test_cancelling_a_schedule_puts_it_back_to_draft(desk, make_statement):
    scheduled = make_statement(published_at=timezone.now() + datetime.timedelta(days=2))
    assert scheduled.state == Statement.State.SCHEDULED
    desk.post(f"{CHANGELIST}{scheduled.pk}/unpublish/")
    scheduled.refresh_from_db()
    assert scheduled.state == Statement.State.DRAFT


def test_a_public_statement_cannot_be_scheduled_out_of_sight(desk, statement):
    later = timezone.now() + datetime.timedelta(days=1)
    response = desk.post(f"{CHANGELIST}{statement.pk}/schedule/", {"at": _iso(later)})
    assert response.status_code == 400
    statement.refresh_from_db()
    assert statement.is_public


def test_confirmation_pages_need_the_publish_permission(client, django_user_model, draft):
    user = django_user_model.objects.create_user("nobody", password="x-long-pw", is_staff=True)
    login_with_two_factor(client, user)
    assert client.post(f"{CHANGELIST}{draft.pk}/publish/").status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_the_preview_banner_says_scheduled_or_draft_not_published(
    desk, site_settings, draft, make_statement
):
    scheduled = make_statement(published_at=timezone.now() + datetime.timedelta(hours=5))
    banner = desk.get(f"{CHANGELIST}{scheduled.pk}/preview/").content.decode()
    banner = banner.replace("\xa0", " ")
    assert "Scheduled: public in 4 hours" in banner or "Scheduled: public in 5 hours" in banner
    assert "Asia/Tokyo time" in banner
    assert "<strong>Published" not in banner
    banner = desk.get(f"{CHANGELIST}{draft.pk}/preview/").content.decode()
    assert "Draft: readers cannot see it." in banner


# -- the live preview -----------------------------------------------------------------------


LIVE = f"{CHANGELIST}live-preview/"


def test_live_preview_renders_the_typed_text_through_the_sanitizer(desk, site_settings, draft):
    response = desk.post(
        LIVE,
        {
            "object_id": draft.pk,
            "title": "Typed title",
            "body": "**Bold** words\n\n<script>alert(1)</script>\n\n[x](javascript:alert(2))",
            "language": "en",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="statement__title">Typed title</h1>' in html
    assert "<strong>Bold</strong> words" in html
    assert "alert(1)" not in html and "javascript:" not in html
    assert "Draft: readers cannot see it." in html
    assert "private" in response["Cache-Control"]
    draft.refresh_from_db()
    assert draft.title == "Embargoed release"  # nothing saved


def test_live_preview_of_a_new_statement(desk, site_settings):
    response = desk.post(LIVE, {"title": "Brand new", "body": "## Part", "language": "ja"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ja">' in html and "<h2>Part</h2>" in html
    assert not Statement.objects.exists()


def test_live_preview_is_for_staff_only_and_only_by_post(client, django_user_model, draft):
    response = client.post(LIVE, {"object_id": draft.pk, "body": "secret"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    user = django_user_model.objects.create_user("nobody", password="x-long-pw", is_staff=True)
    login_with_two_factor(client, user)
    assert client.post(LIVE, {"object_id": draft.pk, "body": "x"}).status_code == 403
    assert client.post(LIVE, {"body": "x"}).status_code == 403


def test_live_preview_refuses_get_and_a_missing_csrf_token(client, editor, draft):
    from django.test import Client

    login_with_two_factor(client, editor)
    assert client.get(LIVE).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    assert strict.post(LIVE, {"object_id": draft.pk, "body": "x"}).status_code == 403


def test_the_list_filters_by_state_scheduled_included(desk, draft, statement, make_statement):
    scheduled = make_statement(
        title="Later one", published_at=timezone.now() + datetime.timedelta(days=2)
    )
    page = desk.get(f"{CHANGELIST}?state=scheduled").content.decode()
    assert scheduled.title in page
    assert statement.title not in page and draft.title not in page
    page = desk.get(f"{CHANGELIST}?state=published").content.decode()
    assert statement.title in page and scheduled.title not in page


def test_a_body_longer_than_a_statement_can_be_is_refused_on_the_form(desk, draft):
    """At most 50,000 characters (what a Korean or Japanese statement's search vector can
    hold): a longer text is an error on the form, and nothing is saved."""
    response = desk.post(
        f"{CHANGELIST}{draft.pk}/change/",
        _form(draft, body="가" * 50_001, _continue="Save draft"),
    )
    assert response.status_code == 200
    assert "at most 50000 characters (it has 50001)" in response.content.decode()
    draft.refresh_from_db()
    assert draft.body != "가" * 50_001
    response = desk.post(
        f"{CHANGELIST}{draft.pk}/change/",
        _form(draft, body="가" * 50_000, _continue="Save draft"),
    )
    assert response.status_code == 302
