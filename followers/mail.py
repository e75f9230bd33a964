"""The announcement mail: the statement in the subscriber's language (else English), as plain
text with an HTML alternative, with no tracking pixel and no rewritten link, and the one-click
unsubscribe of RFC 8058."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from followers.models import Subscriber
from icnk.models import SiteSettings
from icnk.site_url import absolute_url, site_domain
from statements.formatting import dateline
from statements.models import Statement


def _versions(translation_key, memo):
    """The public versions of a statement by language, read once a batch."""
    key = ("versions", translation_key)
    if key not in memo:
        memo[key] = {
            s.language: s
            for s in Statement.objects.published().filter(translation_key=translation_key)
        }
    return memo[key]


def pick_version(versions, language):
    """The subscriber's language, else English, else the first published version."""
    return versions.get(language) or versions.get("en") or next(iter(versions.values()), None)


def _site(memo):
    if "site" not in memo:
        memo["site"] = SiteSettings.load()
    return memo["site"]


def one_click_headers(url, *, list_name):
    """The headers of a list's mail that let the reader leave it in one click (RFC 2369 and
    RFC 8058): a POST to `url` (absolute, with its secret token) with the body
    "List-Unsubscribe=One-Click" takes them off, with no login and no second step. The same
    for subscribers and journalists: `list_name` tells the lists apart ("statements", "press")."""
    domain = (site_domain() or "localhost").split(":")[0]
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"<{list_name}.{domain}>",
    }


def announcement_message(delivery, memo):
    subscriber = delivery.subscriber
    # Read again: the worker read the row with its batch, and since then they may have left,
    # an earlier message of the batch to them been refused for good, or they been erased.
    try:
        subscriber.refresh_from_db(fields=["status"])
    except Subscriber.DoesNotExist:
        return None
    if subscriber.status != Subscriber.Status.ACTIVE:
        return None
    statement = pick_version(_versions(delivery.translation_key, memo), subscriber.language)
    if statement is None:  # unpublished since the announcement
        return None
    site = _site(memo)
    unsubscribe = absolute_url(subscriber.unsubscribe_url())
    context = {
        "statement": statement,
        "dateline": dateline(statement),
        "link": absolute_url(statement.get_absolute_url()),
        "unsubscribe": unsubscribe,
        "site": site,
        "fallback": statement.language != subscriber.language,
        "campaign": subscriber.campaign,
    }
    with translation.override(subscriber.language):
        subject = " ".join(
            render_to_string("followers/email/statement_subject.txt", context).split()
        )
        body = render_to_string("followers/email/statement_body.txt", context).strip() + "\n"
        html = render_to_string("followers/email/statement_body.html", context)
    if delivery.language != statement.language:
        type(delivery).objects.filter(pk=delivery.pk).update(language=statement.language)
    domain = site_domain() or "localhost"
    message = EmailMultiAlternatives(
        subject=subject[:300],
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscriber.email],
        headers={
            # The same on every attempt: a copy that arrives twice is recognisably the same.
            "Message-ID": f"<statement-{delivery.translation_key}.{subscriber.pk}@{domain}>",
            **one_click_headers(unsubscribe, list_name="statements"),
            "Auto-Submitted": "auto-generated",
            "Content-Language": statement.language,
        },
    )
    message.attach_alternative(html, "text/html")
    return message
