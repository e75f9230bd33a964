import io
import socket
import threading

import pytest
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
    """A tiny SMTP server on 127.0.0.1 that keeps every message it accepts."""

    def __init__(self, port=0):
        self.messages = []
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", port))
        self.port = self.server.getsockname()[1]
        self.running = False

    def start(self):
        self.server.listen(5)
        self.server.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def stop(self):
        self.running = False
        self.thread.join(timeout=5)
        self.server.close()

    def _serve(self):
        while self.running:
            try:
                conn, _addr = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                self._session(conn.makefile("rb"), conn)

    def _session(self, reader, conn):
        def say(line):
            conn.sendall(line.encode() + b"\r\n")

        say("220 sink ready")
        data = None
        while True:
            line = reader.readline()
            if not line:
                return
            command = line.decode(errors="replace").strip()
            upper = command.upper()
            if data is not None:
                if command == ".":
                    self.messages.append(b"".join(data).decode(errors="replace"))
                    data = None
                    say("250 queued")
                else:
                    data.append(line)
            elif upper.startswith(("EHLO", "HELO")):
                say("250 sink")
            elif upper.startswith(("MAIL", "RCPT", "RSET", "NOOP")):
                say("250 ok")
            elif upper == "DATA":
                data = []
                say("354 go ahead")
            elif upper == "QUIT":
                say("221 bye")
                return
            else:
                say("502 not implemented")
