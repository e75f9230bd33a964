from django.conf import settings


def client_ip(request):
    """The client's address, taking X-Forwarded-For only from the proxies we trust.

    With TRUSTED_PROXY_COUNT = 0 (no proxy) the header is ignored entirely, so a client cannot
    pick its own address by sending one. With N proxies, the Nth address from the right is the
    one the outermost trusted proxy saw.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [p for p in forwarded if p]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]
