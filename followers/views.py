"""/<lang>/follow/: ask for statements by email, confirm, and leave in one click."""

import logging

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from followers import services
from followers.forms import SubscribeForm
from followers.models import Subscriber
from icnk.i18n import current_language
from icnk.net import client_ip

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------------------------------------
# Rate limit, in the shared cache like the join form's
# ---------------------------------------------------------------------------------------------


def _rate_key(request, scope="follow"):
    return f"{scope}-rate:{client_ip(request)}"


def rate_limited(request, scope="follow"):
    """True when this client address used up its requests (`scope`: the form's own count,
    "follow" or "press"); an unreachable cache leaves the form open (the per-recipient mail
    limit still holds)."""
    try:
        return (cache.get(_rate_key(request, scope)) or 0) >= settings.FOLLOW_RATE_LIMIT
    except Exception:
        logger.warning("follow rate limit: cache unreachable, not enforced")
        return False


def count_request(request, scope="follow"):
    key = _rate_key(request, scope)
    window = settings.FOLLOW_RATE_WINDOW_SECONDS
    try:
        cache.add(key, 0, window)
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, window)
    except Exception:
        logger.warning("follow rate limit: cache unreachable, not counted")


def too_many(request):
    response = render(
        request,
        "join/rate_limited.html",
        {
            "minutes": settings.FOLLOW_RATE_WINDOW_SECONDS // 60,
            "limit": settings.FOLLOW_RATE_LIMIT,
        },
        status=429,
    )
    response["Retry-After"] = str(settings.FOLLOW_RATE_WINDOW_SECONDS)
    return response


# ---------------------------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------------------------


# The small form sits on cached public pages (home, statements), which carry no CSRF token; a
# forged request could only make us mail a confirmation link to an address, which anyone can
# ask for anyway. The rate limits stand in for the token.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request):
    if request.method == "POST":
        if rate_limited(request):
            return too_many(request)
        count_request(request)
        form = SubscribeForm(request.POST)
        if form.is_valid():
            services.subscription_request(
                email=form.cleaned_data["email"],
                language=form.cleaned_data["language"],
                campaign=form.cleaned_data["campaign"],
            )
            return redirect("followers:sent")
    else:
        form = SubscribeForm(
            initial={"language": current_language(), "campaign": request.GET.get("campaign", "")}
        )
    return render(
        request,
        "followers/subscribe.html",
        {"form": form, "days": settings.FOLLOW_CONFIRM_DAYS},
        status=400 if form.errors else 200,
    )


@never_cache
def sent(request):
    return render(request, "followers/sent.html", {"days": settings.FOLLOW_CONFIRM_DAYS})


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """The link from the mail shows what would be confirmed; only the button (POST) does it,
    so a mail scanner that opens the link subscribes nobody."""
    try:
        subscriber, language = services.read_confirm_token(token)
    except signing.SignatureExpired:
        return render(request, "followers/link_expired.html", status=410)
    except signing.BadSignature:
        return render(request, "followers/link_invalid.html", status=400)
    if request.method == "POST":
        services.subscriber_confirm(subscriber=subscriber, language=language)
        return render(request, "followers/confirmed.html", {"subscriber": subscriber})
    return render(
        request,
        "followers/confirm.html",
        {
            "subscriber": subscriber,
            "language_name": dict(SubscribeForm.base_fields["language"].choices)[language],
            "active": subscriber.status == Subscriber.Status.ACTIVE
            and subscriber.language == language,
        },
    )


@csrf_exempt  # RFC 8058: the mail client posts "List-Unsubscribe=One-Click", with no token
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """POST unsubscribes at once, with no login and no second step (the mail client's one
    click, or the button on this page); GET only shows the button, so a scanner that follows
    links unsubscribes nobody."""
    subscriber = Subscriber.objects.select_related("campaign").filter(token=token).first()
    if request.method == "POST":
        if subscriber is not None:
            services.subscriber_unsubscribe(subscriber=subscriber)
        return render(request, "followers/unsubscribed.html", {"subscriber": subscriber})
    receiving = subscriber is not None and subscriber.status == Subscriber.Status.ACTIVE
    return render(
        request,
        "followers/unsubscribe.html",
        {"subscriber": subscriber, "receiving": receiving},
    )
