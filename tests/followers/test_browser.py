"""The follower's journey in a real browser: subscribe in Japanese, confirm, a statement is
published, the mail arrives, unsubscribe in one click."""

import re

import pytest
from django.core.management import call_command

from followers.models import Subscriber
from statements.models import Statement
from statements.services import statement_publish
from tests.followers.conftest import parse, text_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name, artifacts_dir):
    path = artifacts_dir / f"follow-{name}.png"
    page.screenshot(path=path, full_page=True)


def test_a_reader_subscribes_in_japanese_receives_a_statement_and_leaves_in_one_click(
    live_server, page, smtp, artifacts_dir, django_user_model
):
    from django.core import mail as django_mail  # noqa: F401  (the outbox is the real server)

    from icnk.demo import SITE
    from icnk.models import SiteSettings

    SiteSettings.objects.create(pk=1, **SITE)
    user = django_user_model.objects.create_user("editor", "e@example.org", "x" * 16)

    # 1. On the Japanese home page, the reader gives an address; the language is already theirs.
    page.goto(f"{live_server.url}/ja/")
    box = page.locator(".follow-box")
    box.get_by_label("メールアドレス").fill("aiko@example.jp")
    assert box.get_by_label("メールの言語").input_value() == "ja"
    shot(page, "1-home-form", artifacts_dir)
    box.get_by_role("button", name="購読する").click()
    page.wait_for_url(f"{live_server.url}/ja/follow/sent/")
    shot(page, "2-check-email", artifacts_dir)

    # 2. The confirmation mail arrives; its link opens a page with one button.
    call_command("worker", batch=True, interval=0, verbosity=0)
    confirmation = parse(smtp.messages[0])
    assert confirmation["To"] == "aiko@example.jp"
    link = re.search(r"https?://\S+/ja/follow/confirm/\S+/", text_of(confirmation)).group(0)
    page.goto(link)
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    shot(page, "3-confirm", artifacts_dir)
    page.get_by_role("button", name="購読を確定する").click()
    assert "購読を受け付けました" in page.locator("h1").inner_text()
    assert Subscriber.objects.get().status == Subscriber.Status.ACTIVE

    # 3. The secretariat publishes a statement with a Japanese version ("Publish now").
    original = Statement.objects.create(
        title="Coalition welcomes the inquiry", slug="welcomes", language="en",
        body="The coalition welcomes the report.", dateline="Tokyo",
    )  # fmt: skip
    japanese = Statement.objects.create(
        title="国際NGO連合、調査委員会を歓迎", slug="歓迎", language="ja",
        body="国際NGO連合は報告書を歓迎します。", summary="報告書の公表について。",
        dateline="東京", translation_of=original,
    )  # fmt: skip
    statement_publish(statement=original, user=user)
    statement_publish(statement=japanese, user=user)
    call_command("worker", batch=True, interval=0, verbosity=0)

    # 4. The mail arrives in Japanese, with the one-click headers.
    [announcement] = [parse(raw) for raw in smtp.messages[1:]]
    assert announcement["Subject"].startswith("国際NGO連合、調査委員会を歓迎")
    assert "国際NGO連合は報告書を歓迎します。" in text_of(announcement)
    assert announcement["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = announcement["List-Unsubscribe"].strip()[1:-1]
    page.goto(re.search(r"https?://\S+/ja/statements/\S+/", text_of(announcement)).group(0))
    assert "調査委員会を歓迎" in page.locator("h1").inner_text()

    # 5. One click on the link in the mail, one button: unsubscribed, no login.
    page.goto(unsubscribe)
    shot(page, "4-unsubscribe", artifacts_dir)
    page.get_by_role("button", name="購読解除").click()
    assert "購読を解除しました" in page.locator("h1").inner_text()
    shot(page, "5-unsubscribed", artifacts_dir)
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED
