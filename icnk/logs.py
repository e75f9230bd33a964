"""Secrets out of the logs.

The links we mail carry their secret in the URL: confirming a join request or a subscription,
signing a statement for an organization, renewing, signing in to the members' area, a
journalist's signed attachment link. A request for such a URL that fails ("Not Found: /en/sign/…")
or a server's access log would otherwise write the secret to a log that more people read than
the mailbox it was sent to. Every log line passes through `redact()` first.

What counts as a secret: a run of 20 or more URL-safe characters that is not a readable slug.
Our tokens (`secrets.token_urlsafe`, Django's signed values with their colons, hex digests) all
are; a statement's slug (`un-commission-of-inquiry-2014`) is lowercase words joined by hyphens
and stays readable, so a log still says which page was asked for.
"""

import logging
import re

from gunicorn.glogging import Logger as GunicornBaseLogger

REDACTED = "[redacted]"

_RUN = re.compile(r"[A-Za-z0-9_\-:.~]{20,}")
_SLUG = re.compile(r"[a-z0-9]{1,20}(?:[-.][a-z0-9]{1,20})+")


def _hide(match):
    text = match.group(0)
    return text if _SLUG.fullmatch(text) else REDACTED


def redact(text):
    """`text` with every token-like run replaced by "[redacted]"."""
    return _RUN.sub(_hide, text) if isinstance(text, str) else text


class RedactSecrets(logging.Filter):
    """A handler filter: the record's message, formatted, then redacted (its args are spent)."""

    def filter(self, record):
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:  # a traceback can quote the URL too
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


class GunicornLogger(GunicornBaseLogger):
    """gunicorn's logger, with the request line, path and query of access log lines redacted,
    and its error log's lines too (a request line it cannot read is quoted there whole).

    `make serve` starts gunicorn with `--logger-class icnk.logs.GunicornLogger`.
    """

    def setup(self, cfg):
        super().setup(cfg)
        for handler in self.error_log.handlers:
            if not any(isinstance(f, RedactSecrets) for f in handler.filters):
                handler.addFilter(RedactSecrets())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) for key, value in atoms.items()}
