"""The client's address, as the sign-in lockout, the join rate limit and the logs see it."""

import ipaddress
import logging
import time
from functools import lru_cache

from django.conf import settings

logger = logging.getLogger("icnk.security")

# A client can send X-Forwarded-For on every request; say so in the log at most this often.
FORWARDED_WARNING_INTERVAL = 60
_last_warning = 0.0


@lru_cache(maxsize=8)
def _networks(entries):
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry)


def _address(text):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def is_trusted_proxy(address):
    address = _address(address) if isinstance(address, str) else address
    if address is None:
        return False
    return any(address in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request):
    """The client's address, taking X-Forwarded-For only from a proxy we trust.

    The header is read only when the direct peer (REMOTE_ADDR) is in TRUSTED_PROXIES, a list
    of addresses or networks; then the addresses it lists are walked from the right, past every
    trusted proxy, and the first one that is not a proxy of ours is the client. A client that
    reaches the app server directly, or lists made-up proxies, cannot choose its own address.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not forwarded:
        return remote
    if not is_trusted_proxy(remote):
        _warn_untrusted_forwarded(remote)
        return remote
    client = remote
    for hop in reversed([part.strip() for part in forwarded.split(",")]):
        address = _address(hop)
        if address is None:
            # Garbage in the header: stop at the last address a trusted proxy vouched for.
            break
        client = str(address)
        if not is_trusted_proxy(address):
            break
    return client


def _warn_untrusted_forwarded(remote):
    global _last_warning
    now = time.monotonic()
    if now - _last_warning < FORWARDED_WARNING_INTERVAL:
        return
    _last_warning = now
    if settings.TRUSTED_PROXIES:
        logger.warning(
            "X-Forwarded-For from %s, which is not in TRUSTED_PROXIES: ignored, the client "
            "address is the peer's own",
            remote,
        )
    else:
        logger.warning(
            "X-Forwarded-For arrived from %s while no proxy is trusted (TRUSTED_PROXIES is "
            "empty): ignored. Behind a reverse proxy, list its address in TRUSTED_PROXIES, or "
            "every client shares the proxy's address in the lockout and rate limits",
            remote,
        )
