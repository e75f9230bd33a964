"""Personal sign-on links.

A link's token is an HMAC of the invitation's id and a random nonce under the site's secret key,
prefixed with the id: it names no email address, opens one invitation only, and cannot be made
from the database alone (which keeps only its hash). Reminders rebuild the same link; changing
the nonce would retire it. It stops working at the drive's deadline plus its grace period, read
when the link is used, so moving the deadline moves the expiry.
"""

import secrets

from django.utils.crypto import constant_time_compare, salted_hmac

from drives.models import Invitation, hash_token

SALT = "drives.invitation"


def new_nonce():
    return secrets.token_hex(16)


def token_for(invitation):
    digest = salted_hmac(SALT, f"{invitation.pk}:{invitation.nonce}", algorithm="sha256")
    return f"{invitation.pk}-{digest.hexdigest()[:40]}"


def invitation_for(token):
    """The invitation a token opens, or None (unknown, forged or malformed)."""
    if len(token) > 80:
        return None
    found = (
        Invitation.objects.select_related("drive", "drive__statement", "organization", "supporter")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if found is None or not constant_time_compare(token_for(found), token):
        return None
    return found
