"""The press list: a journalist asks, confirms, the secretariat approves or declines; staff add
journalists who agreed; every press mail takes them off in one click; export and erasure; and
nobody outside the desk ever sees who is on it."""

import datetime
import json
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from followers import press
from followers.models import Journalist
from icnk.models import OutboundEmail
from icnk.roles import ADMINISTRATORS, EDITORS
from members.personal_data import personal_data_erase, personal_data_export
from statements.models import Campaign
from tests.factories import login_with_two_factor, make_staff, uncommitted_meanwhile
from tests.followers.conftest import parse, text_of

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Hana Reporter",
    "outlet": "Example Daily",
    "email": "Hana@Example.org",
    "languages": ["ko", "en"],
    "consent": "on",
}


@pytest.fixture
def campaign(db):
    return Campaign.objects.create(
        slug="coi", title_en="Commission of Inquiry", goal_en="A goal.",
        started_on=datetime.date(2011, 9, 8),
    )  # fmt: skip


@pytest.fixture
def editor(db):
    return make_staff("ed", EDITORS)


@pytest.fixture
def administrator(db):
    return make_staff("chief", ADMINISTRATORS)


def confirm_link(mail):
    return re.search(r"http://testserver(/\w\w/press/confirm/[^/\s]+/)", mail.body).group(1)


def make_journalist(email="reporter@example.org", status=Journalist.Status.ACTIVE, **fields):
    values = {"name": "Jun Writer", "outlet": "Example Times", "languages": "en"}
    values.update(fields)
    now = timezone.now()
    return Journalist.objects.create(
        email=email, status=status, confirmed_at=now, approved_at=now, **values
    )


def act(client, action, journalists):
    """An admin action on the list of every status, as staff select from it."""
    changelist = reverse("admin:followers_journalist_changelist") + "?status=all"
    return client.post(
        changelist,
        {"action": action, "_selected_action": [j.pk for j in journalists]},
        follow=True,
    )


# ---------------------------------------------------------------------------------------------
# Asking, confirming, approving
# ---------------------------------------------------------------------------------------------


# The real worker closes its connection, as deployed: on PostgreSQL the test runs in its own
# transactions rather than inside one.
@pytest.mark.django_db(transaction=True)
def test_a_journalist_asks_confirms_and_the_secretariat_approves(
    client, site_settings, campaign, editor, smtp, run_worker
):
    response = client.post("/ko/press/join/", {**FORM, "beats": ["coi"]})
    assert response.status_code == 302 and response["Location"] == "/ko/press/join/sent/"
    journalist = Journalist.objects.get()
    assert journalist.status == Journalist.Status.REQUESTED
    assert journalist.email == "hana@example.org" and journalist.language_list() == ["ko", "en"]
    mail = OutboundEmail.objects.get()
    assert mail.to == "hana@example.org" and "기자 명단" in mail.subject  # in Korean

    link = confirm_link(mail)
    page = client.get(link)  # a mail scanner opening the link: nothing happens
    assert page.status_code == 200 and "Commission of Inquiry" in page.text
    journalist.refresh_from_db()
    assert journalist.status == Journalist.Status.REQUESTED
    assert client.post(link).status_code == 200
    journalist.refresh_from_db()
    assert journalist.status == Journalist.Status.CONFIRMED
    # The wording as the journalist read it, in the language of the form.
    assert journalist.consent_at is not None and "엠바고" in journalist.consent_text
    assert list(journalist.beats.all()) == [campaign]

    # The desk shows the request; approving it puts the journalist on the list.
    login_with_two_factor(client, editor)
    desk = client.get(reverse("admin:index"))
    assert "Press list requests" in desk.text and "Hana Reporter" in desk.text
    assert not Journalist.objects.on_list().exists()
    act(client, "approve", [journalist])
    journalist.refresh_from_db()
    assert journalist.status == Journalist.Status.ACTIVE and journalist.approved_by == editor
    assert list(Journalist.objects.on_list()) == [journalist]
    assert LogEntry.objects.filter(object_id=str(journalist.pk), user=editor).exists()

    # The approval is mailed in their first language, with the one-click way off the list.
    run_worker()
    [_confirmation, approval] = [parse(raw) for raw in smtp.messages]
    url = f"http://testserver/ko/press/leave/{journalist.token}/"
    assert "기자 명단" in approval["Subject"]
    assert approval["List-Unsubscribe"].strip() == f"<{url}>"
    assert approval["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in text_of(approval)


def test_the_form_answers_the_same_and_mails_nobody_for_an_address_already_on_the_list(
    client, site_settings
):
    make_journalist("known@example.org", name="Known Person")
    answers = []
    for address in ["new@example.org", "KNOWN@example.org", "new@example.org"]:
        response = client.post("/en/press/join/", {**FORM, "email": address})
        page = client.get(response["Location"])
        answers.append((response.status_code, response["Location"], page.content))
    assert answers[0] == answers[1] == answers[2]
    assert Journalist.objects.filter(email="known@example.org").count() == 1
    known = Journalist.objects.get(email="known@example.org")
    assert known.name == "Known Person" and known.status == Journalist.Status.ACTIVE
    assert not OutboundEmail.objects.filter(to="known@example.org").exists()
    assert Journalist.objects.filter(email="new@example.org").count() == 1


def test_the_language_of_the_page_comes_first_among_those_ticked(client, site_settings):
    # Boxes arrive in the page's order (English first); a reader of the Japanese page who
    # ticks Japanese reads Japanese first.
    client.post("/ja/press/join/", {**FORM, "languages": ["en", "ja"]})
    assert Journalist.objects.get().language_list() == ["ja", "en"]


def test_a_request_changes_nothing_of_an_entry_until_its_owner_confirms(client, site_settings):
    gone = make_journalist("back@example.org", status=Journalist.Status.LEFT, name="Old Name")
    client.post("/en/press/join/", {**FORM, "email": "back@example.org", "name": "New Name"})
    gone.refresh_from_db()
    assert gone.name == "Old Name" and gone.status == Journalist.Status.LEFT
    client.post(confirm_link(OutboundEmail.objects.get()))
    gone.refresh_from_db()
    assert gone.name == "New Name" and gone.status == Journalist.Status.CONFIRMED


def test_the_secretariat_declines_and_the_journalist_hears_in_their_language(
    client, site_settings, editor
):
    journalist = make_journalist(status=Journalist.Status.CONFIRMED, languages="ja,en")
    waiting = make_journalist("unconfirmed@example.org", status=Journalist.Status.REQUESTED)
    login_with_two_factor(client, editor)
    page = act(client, "decline", [journalist, waiting])
    assert "1 left alone" in page.text, re.findall(r"messagelist.{0,400}", page.text, re.S)
    journalist.refresh_from_db()
    waiting.refresh_from_db()
    assert journalist.status == Journalist.Status.DECLINED and journalist.declined_at
    assert waiting.status == Journalist.Status.REQUESTED  # never confirmed: no mail, no decision
    [mail] = OutboundEmail.objects.all()
    assert mail.to == journalist.email and "プレスリスト" in mail.subject
    assert not Journalist.objects.on_list().exists()


def test_staff_add_only_a_journalist_who_agreed_and_the_desk_records_who_and_how(
    client, site_settings, editor, campaign
):
    login_with_two_factor(client, editor)
    add = reverse("admin:followers_journalist_add")
    entry = {
        "name": "Mina Staffadded", "outlet": "Example Wire", "email": "Mina@Example.org",
        "preferred": "ja", "language_choices": ["en", "ja"], "beats": [campaign.pk], "note": "",
    }  # fmt: skip
    form = client.get(add)
    assert form.status_code == 200 and "agreed to be on the press list" in form.text
    refused = client.post(add, entry)
    assert refused.status_code == 200 and not Journalist.objects.exists()
    assert "Add only a journalist who agreed" in refused.text
    # An address no mail can reach (a Turkish dotless ı) is refused by name.
    dotless = client.post(add, {**entry, "email": "mına@example.org", "agreed": "on",
                                "consent_means": "email"})  # fmt: skip
    assert "Mail cannot be sent to this address: “ı” cannot be used before the @." in dotless.text
    assert not Journalist.objects.exists()
    client.post(add, {**entry, "agreed": "on", "consent_means": "phone call of 3 May 2026"})
    journalist = Journalist.objects.get()
    assert journalist.status == Journalist.Status.ACTIVE
    assert journalist.source == Journalist.Source.STAFF and journalist.approved_by == editor
    assert journalist.consent_means == "phone call of 3 May 2026" and journalist.consent_text
    assert journalist.email == "mina@example.org" and journalist.language_list() == ["ja", "en"]
    assert journalist.history.first().history_user == editor
    change = reverse("admin:followers_journalist_change", args=[journalist.pk])
    assert "phone call of 3 May 2026" in client.get(change).text
    history = reverse("admin:followers_journalist_history", args=[journalist.pk])
    assert "Mina Staffadded" in client.get(history).text
    [mail] = OutboundEmail.objects.all()
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert journalist.token in mail.headers["List-Unsubscribe"]

    # The same address again (in other capitals) is refused.
    again = client.post(add, {**entry, "email": "MINA@example.org", "agreed": "on",
                              "consent_means": "email"})  # fmt: skip
    assert "already on the press list" in again.text and Journalist.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# Leaving in one click
# ---------------------------------------------------------------------------------------------


def test_a_journalist_leaves_with_the_button_or_the_mail_clients_one_click_post(site_settings):
    by_button = make_journalist("button@example.org")
    by_header = make_journalist("header@example.org", languages="ko")
    browser = Client(enforce_csrf_checks=True)  # no login, no cookie, no token

    page = browser.get(press.leave_url(by_button).removeprefix("http://testserver"))
    assert page.status_code == 200 and '<form method="post">' in page.text
    by_button.refresh_from_db()
    assert by_button.status == Journalist.Status.ACTIVE  # a scanner following the link
    assert browser.post(by_button.leave_url()).status_code == 200
    by_button.refresh_from_db()
    assert by_button.status == Journalist.Status.LEFT and by_button.left_at

    headers = press.list_unsubscribe_headers(by_header)
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = headers["List-Unsubscribe"].strip("<>")
    assert url == f"http://testserver/ko/press/leave/{by_header.token}/"
    # What a mail client sends for RFC 8058.
    done = browser.post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    by_header.refresh_from_db()
    assert by_header.status == Journalist.Status.LEFT
    assert not Journalist.objects.on_list().exists()


def test_an_unknown_leave_link_answers_calmly(client, site_settings):
    assert client.post("/en/press/leave/not-a-token/").status_code == 200
    assert client.get("/en/press/leave/not-a-token/").status_code == 200


def test_refused_mail_takes_a_journalist_off_the_list_after_the_limit(site_settings, settings):
    journalist = make_journalist()
    for _ in range(settings.MAIL_BOUNCE_LIMIT - 1):
        press.journalist_refused(journalist_id=journalist.pk, permanent=True, error="550 no")
    press.journalist_refused(journalist_id=journalist.pk, permanent=False, error="451 later")
    assert Journalist.objects.on_list().exists()
    press.journalist_refused(journalist_id=journalist.pk, permanent=True, error="550 no")
    assert not Journalist.objects.on_list().exists()


# ---------------------------------------------------------------------------------------------
# Limits and bad input
# ---------------------------------------------------------------------------------------------


def test_a_client_address_gets_a_few_requests_an_hour(client, site_settings, settings):
    settings.FOLLOW_RATE_LIMIT = 3
    codes = [
        client.post("/en/press/join/", {**FORM, "email": f"p{i}@example.org"}).status_code
        for i in range(4)
    ]
    assert codes == [302, 302, 302, 429]
    assert Journalist.objects.count() == 3


@pytest.mark.parametrize(
    "change, message",
    [
        ({"email": "not an address"}, "Enter an email address such as name@example.org."),
        ({"consent": ""}, "Tick the box to agree"),
        ({"languages": ["xx"]}, "Choose among the languages shown."),
        ({"languages": []}, "Choose at least one language."),
        ({"beats": ["no-such-campaign"]}, "Choose among the campaigns shown."),
        ({"name": ""}, "Enter your name."),
        ({"name": "x" * 5000}, "at most 200 characters"),
    ],
)
def test_bad_input_is_a_clear_error_and_stores_nothing(client, site_settings, change, message):
    response = client.post("/en/press/join/", {**FORM, **change})
    assert response.status_code == 400
    assert message in response.text
    assert not Journalist.objects.exists() and not OutboundEmail.objects.exists()


def test_an_old_or_altered_link_explains_itself(client, site_settings, clock, settings):
    client.post("/en/press/join/", FORM)
    link = confirm_link(OutboundEmail.objects.get())
    assert client.get(link[:-5] + "xxxx/").status_code == 400
    assert client.post("/en/press/confirm/garbage/").status_code == 400
    clock.advance(days=settings.FOLLOW_CONFIRM_DAYS, minutes=1)
    assert client.post(link).status_code == 410
    assert Journalist.objects.get().status == Journalist.Status.REQUESTED


def test_unconfirmed_requests_are_erased_after_a_few_days(client, site_settings, clock, settings):
    make_journalist("onlist@example.org")
    client.post("/en/press/join/", {**FORM, "email": "never@example.org"})
    client.post("/en/press/join/", {**FORM, "email": "confirmed@example.org"})
    client.post(confirm_link(OutboundEmail.objects.get(to="confirmed@example.org")))
    clock.advance(days=settings.FOLLOW_CONFIRM_DAYS - 1)
    assert press.journalists_purge() == 0
    clock.advance(days=1, minutes=1)
    assert press.journalists_purge() == 1
    assert set(Journalist.objects.values_list("email", flat=True)) == {
        "onlist@example.org",
        "confirmed@example.org",
    }
    assert not Journalist.history.filter(email="never@example.org").exists()


# ---------------------------------------------------------------------------------------------
# Personal data
# ---------------------------------------------------------------------------------------------


def test_a_journalists_export_and_erasure(client, site_settings, administrator, campaign):
    journalist = make_journalist("Erase.Me@example.org", name="Erika Presswoman")
    journalist.beats.set([campaign])
    other = make_journalist("stay@example.org", name="Stays Here")
    login_with_two_factor(client, administrator)
    changed = client.post(
        reverse("admin:followers_journalist_change", args=[journalist.pk]),
        {"name": "Erika Presswoman", "outlet": "Example Times", "email": journalist.email,
         "preferred": "en", "language_choices": ["en"], "beats": [campaign.pk],
         "note": "met at the UN"},
    )  # fmt: skip
    assert changed.status_code == 302, changed.context["adminform"].form.errors
    assert LogEntry.objects.filter(object_repr__contains="Erika Presswoman").exists()
    journalist.refresh_from_db()

    data = personal_data_export(subject=journalist, user=administrator)
    [entry] = data["press_list"]
    assert entry["name"] == "Erika Presswoman" and entry["beats"] == ["coi"]
    assert entry["note"] == "met at the UN" and entry["history"]
    assert json.dumps(data, default=str).count("Stays Here") == 0

    personal_data_erase(subject=journalist, user=administrator)
    assert list(Journalist.objects.all()) == [other]
    assert not Journalist.history.filter(name="Erika Presswoman").exists()
    assert not LogEntry.objects.filter(object_repr__contains="Erika Presswoman").exists()


def test_no_public_page_feed_api_or_sitemap_names_a_journalist(client, site_settings, campaign):
    make_journalist("secret.reporter@example.org", name="Zelda Secretname", outlet="Hidden Wire")
    make_journalist(
        "waiting.reporter@example.org", name="Yuki Waitingname",
        status=Journalist.Status.CONFIRMED,
    )  # fmt: skip
    paths = [
        "/en/", "/ko/", "/ja/", "/en/statements/", "/ja/statements/", "/en/press/join/",
        "/en/press/join/sent/", "/en/statements/feed/", "/en/members/", "/en/about/",
        "/en/campaigns/coi/", "/api/v1/statements/", "/api/v1/members/", "/sitemap.xml",
        "/en/follow/", "/en/privacy/",
    ]  # fmt: skip
    for path in paths:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        text = response.content.decode()
        for secret in ["Zelda", "Secretname", "secret.reporter", "Hidden Wire", "Yuki", "waiting"]:
            assert secret not in text, (path, secret)


def test_the_statements_page_links_to_the_press_list_in_each_language(client, site_settings):
    for language in ["en", "ko", "ja"]:
        page = client.get(f"/{language}/statements/")
        assert f'href="/{language}/press/join/"' in page.text
        join = client.get(f"/{language}/press/join/")
        assert join.status_code == 200 and 'name="consent"' in join.text


def test_administrators_export_and_erase_from_the_list_and_editors_cannot(
    client, site_settings, administrator, editor
):
    journalist = make_journalist("listed@example.org", name="Listed Person")
    changelist = reverse("admin:followers_journalist_changelist")
    selection = {"action": "export_personal_data", "_selected_action": [journalist.pk]}

    login_with_two_factor(client, editor)
    page = client.get(changelist)
    assert "Listed Person" in page.text and "erase_personal_data" not in page.text
    client.post(changelist, {**selection, "action": "erase_personal_data", "apply": "1"})
    assert Journalist.objects.filter(pk=journalist.pk).exists()

    client.logout()
    login_with_two_factor(client, administrator)
    response = client.post(changelist, {**selection, "apply": "1"})
    [exported] = json.loads(response.content)["people"]
    assert exported["press_list"][0]["email"] == "listed@example.org"
    selection["action"] = "erase_personal_data"
    assert "Listed Person" in client.post(changelist, selection).text  # what will go
    client.post(changelist, {**selection, "apply": "1"}, follow=True)
    assert not Journalist.objects.exists()
    assert "Listed Person" not in client.get(reverse("admin:index")).text


def test_who_covers_a_campaign_and_who_reads_a_language(site_settings, campaign):
    other = Campaign.objects.create(
        slug="other", title_en="Other", goal_en="A goal.", started_on=datetime.date(2012, 1, 1)
    )
    everything = make_journalist("all@example.org", languages="ko,en")
    this_one = make_journalist("coi@example.org", languages="ja")
    this_one.beats.set([campaign, other])
    elsewhere = make_journalist("other@example.org")
    elsewhere.beats.set([other])
    covering = Journalist.objects.on_list().covering(campaign)
    assert sorted(j.email for j in covering) == ["all@example.org", "coi@example.org"]
    assert Journalist.objects.covering(None).count() == 3
    assert list(Journalist.objects.reading("ko")) == [everything]
    assert everything.preferred_language() == "ko" and everything.reads("en")
    assert not this_one.reads("en")


def test_the_press_list_opens_on_those_on_it_and_all_is_a_click_away(client, editor):
    make_journalist("on@example.org", name="Ona List")
    make_journalist("asked@example.org", status=Journalist.Status.CONFIRMED, name="Asa Waiting")
    login_with_two_factor(client, editor)
    changelist = reverse("admin:followers_journalist_changelist")
    opened = client.get(changelist).content.decode()
    assert "Ona List" in opened and "Asa Waiting" not in opened
    everyone = client.get(changelist + "?status=all").content.decode()
    assert "Ona List" in everyone and "Asa Waiting" in everyone


@pytest.mark.django_db(transaction=True)
def test_the_same_new_address_sent_twice_at_once_makes_one_entry_and_no_error(site_settings):
    """A double click: the second request finds no entry, and writes its own while the first
    one's is not yet committed. It must wait for it and use it, not fail."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time: the two cannot overlap")
    with uncommitted_meanwhile(
        lambda: Journalist.objects.create(name="Hana Reporter", email="hana@example.org")
    ):
        response = Client().post("/en/press/join/", FORM)
    assert response.status_code == 302
    assert Journalist.objects.filter(email__iexact="hana@example.org").count() == 1
    assert OutboundEmail.objects.filter(to="hana@example.org").count() == 1
