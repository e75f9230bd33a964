"""Validators shared by the models and forms of several apps."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_sendable_email(value):
    """An address mail can be sent to: only ASCII before the @.

    Django's EmailValidator matches the part before the @ case-insensitively, and so accepts
    four letters outside ASCII that fold to ASCII ones: ı and İ (a Turkish keyboard's i),
    ſ (long s) and K (the Kelvin sign). No mail server is offered them (the SMTP backend
    refuses to write such an address), so a subscription or a join request with one would
    wait for a confirmation that never comes. Runs after EmailValidator; the part after the
    @ may be an international domain name, which is sent encoded."""
    local = str(value).rpartition("@")[0]
    odd = next((c for c in local if not c.isascii()), None)
    if odd is not None:
        raise ValidationError(
            _(
                "Mail cannot be sent to this address: “%(character)s” cannot be used before "
                "the @. Use only the letters a–z, digits and signs such as . _ + - there."
            ),
            code="unsendable",
            params={"character": odd},
        )
