import io

import pytest
from aiosmtpd.controller import Controller
from PIL import Image


def png_bytes(size=(120, 80), mode="RGB", color=(200, 30, 30)):
    out = io.BytesIO()
    Image.new(mode, size, color if mode == "RGB" else 0).save(out, "PNG")
    return out.getvalue()


# A complete, valid request on each path, as a browser posts it.
ORGANIZATION = {
    "kind": "organization",
    "name": "Citizens' Alliance for North Korean Human Rights",
    "local_name": "북한인권시민연합",
    "country": "KR",
    "organization_kind": "national_ngo",
    "website": "https://www.nkhr.example.org",
    "description": "Documents abuses and supports survivors.",
    "contact_name": "Kim Min-ji",
    "contact_role": "Programme director",
    "email": "minji@nkhr.example.org",
    "phone": "+82 2 0000 0000",
    "support_statement": "We will co-sign statements and share documentation.",
    "accept_objectives": "on",
}
INDIVIDUAL = {
    "kind": "individual",
    "name": "Aiko Tanaka",
    "display_name": "",
    "affiliation": "Lawyer, Tokyo Bar Association",
    "country": "JP",
    "email": "aiko@example.jp",
    "accept_objectives": "on",
}


@pytest.fixture
def org_data():
    return dict(ORGANIZATION)


@pytest.fixture
def person_data():
    """An individual who asks to be listed publicly."""
    return {**INDIVIDUAL, "wants_listing": "on"}


class SMTPSink:
    """A mail server on 127.0.0.1 (aiosmtpd) that keeps every message it accepts, as text."""

    def __init__(self, port):
        self.port = port
        self.messages = []
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it for each message
        self.messages.append(envelope.original_content.decode(errors="replace"))
        return "250 Message accepted for delivery"

    def start(self):
        self.controller.start()

    def stop(self):
        self.controller.stop()
