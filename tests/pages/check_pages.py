"""`make check-pages`: every public page type, in English, Korean and Japanese, through the
field's own checkers (issue 13).

It builds a throw-away site (its own SQLite database, static and media folders in a temporary
directory, the demo coalition, its uploads served by Django with SERVE_MEDIA=1), serves it
with gunicorn on a free 127.0.0.1 port with DEBUG off, and checks:

- the Nu HTML Checker (vnu.jar from the npm package vnu-jar): no error;
- axe-core (axe.min.js from the npm package axe-core) with the WCAG 2.2 A/AA rules at 375 and
  1280 px, in Debian's Chromium driven by Playwright: no violation;
- no sideways scrolling at 320 px;
- on a phone's screen (three device pixels to the CSS pixel), every flag and logo is drawn from
  an image with the pixels for it: not a flag blown up from django-countries' 16 x 11 GIF, nor
  a logo from a copy too small for its box;
- every request a page makes (styles, images, logos, the favicon) answers below 400, and
  nothing is logged to the browser's console as an error;
- the Atom feeds parse, name an author, and date each entry by its statement's publication;
- the sitemap: every URL answers 200, and its language alternates name each other.

A checker whose tool cannot be had (no java, no chromium, the npm packages not installed)
is skipped with the reason printed; any finding fails (exit status 1). Not collected by pytest
(the file name does not start with test_); the Makefile installs the tools into .tools/.

    .venv/bin/python tests/pages/check_pages.py [--only vnu,axe,scroll,sharp,feeds,sitemap]
        [--pages WORDS] [--keep DIR]
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOLS = Path(os.environ.get("TOOLS_DIR", ROOT / ".tools")) / "node_modules"
VNU_JAR = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = TOOLS / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PYTHON = sys.executable
LANGUAGES = ("en", "ko", "ja")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
ATOM = "{http://www.w3.org/2005/Atom}"

# The URLs of the demo's own objects, asked of the database the site runs on.
DEMO_URLS = """
import json
from django.utils import translation
from members.models import Organization
from statements.models import Campaign, Statement
from django.urls import reverse
from drives.models import Invitation
from drives.tokens import token_for
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from followers import services as follow_services
from followers.models import Journalist, Subscriber
from followers.press import make_confirm_token as press_confirm_token
from members import area, renewal
invitation = Invitation.objects.filter(drive__is_demo=True, supporter=None).order_by("pk").first()
# A reader following the statements, a journalist on the press list, and two members signed in
# to the members' area (an organization's contact and a supporter), each by a session cookie.
subscriber, _ = Subscriber.objects.get_or_create(
    email="check-pages@example.org", campaign=None, defaults={"language": "en"}
)
journalist = Journalist.objects.filter(status=Journalist.Status.ACTIVE).order_by("pk").first()
organization = area.eligible_organizations().order_by("pk").first()
supporter = area.eligible_supporters().order_by("pk").first()
def session_for(member):
    session = SessionStore()
    session[area.SESSION_KEY] = {
        "k": area.member_kind(member), "id": member.pk,
        "e": area.email_digest(area.member_email(member)), "seen": timezone.now().timestamp(),
    }
    session.create()
    return session.session_key
out = {"sessions": {"organization": session_for(organization), "supporter": session_for(supporter)}}
# A statement released to the press under embargo: a copy of the demo's three-language statement
# with the fewest signatures, scheduled two days ahead (not yet public), released to a
# journalist in each language; its preview page is the one journalists open before the embargo.
import datetime
from django.db.models import Count
from followers import embargo
from followers.models import PressDelivery, PressRelease
from statements.models import Signature
from urllib.parse import urlsplit
groups = (Statement.objects.published().values("translation_key")
          .annotate(languages=Count("language", distinct=True)).filter(languages=3))
old_key = min((g["translation_key"] for g in groups),
          key=lambda k: Signature.objects.filter(statement__translation_key=k).count())
import uuid
copies, key = {}, uuid.uuid4()
for original in Statement.objects.filter(translation_key=old_key).order_by("translation_of", "pk"):
    copy = Statement.objects.get(pk=original.pk)
    copy.pk = copy.id = None
    copy.translation_key, copy.slug = key, original.slug[:40] + "-embargoed"
    copy.published_at = timezone.now() + datetime.timedelta(days=2)
    copy.translation_of = copies.get(original.translation_of_id)
    copy.save()
    copies[original.pk] = copy
first = Statement.objects.filter(translation_key=key).order_by("pk").first()
release = PressRelease.objects.create(
    statement=first, translation_key=key, title=first.title[:300],
    embargo_until=first.published_at,
)
previews = {}
for code in ("en", "ko", "ja"):
    delivery = PressDelivery.objects.create(
        release=release, journalist=Journalist.objects.create(
            name="Check " + code, outlet="Check pages", email=f"check-{code}@example.org",
            status=Journalist.Status.ACTIVE, consent_text="check"), language=code)
    previews[code] = urlsplit(embargo.preview_url(delivery=delivery, language=code)).path
for code in ("en", "ko", "ja"):
    with translation.override(code):
        statements = list(Statement.objects.published().filter(language=code)
                          .order_by("-published_at"))
        # The one with the most signatories (the longest page) and the newest.
        longest = max(statements, key=lambda s: s.signatures.count())
        picked = [longest] + [s for s in statements if s != longest][:1]
        out[code] = {
            "organization": Organization.objects.listed().order_by("pk").first().get_absolute_url(),
            "campaign": Campaign.objects.public().order_by("pk").first().get_absolute_url(),
            "statements": [s.get_absolute_url() for s in picked],
            "year": statements[-1].published_at.year,
            "sign": reverse("drives:sign", kwargs={"token": token_for(invitation)}),
            "follow confirm": reverse("followers:confirm", kwargs={
                "token": follow_services.make_confirm_token(subscriber, code)}),
            "follow unsubscribe": reverse("followers:unsubscribe", kwargs={
                "token": subscriber.token}),
            "press confirm": reverse("press:confirm", kwargs={"token": press_confirm_token(
                journalist, {"n": journalist.name, "o": journalist.outlet, "l": [code], "b": [],
                             "c": journalist.consent_text})}),
            "press leave": reverse("press:leave", kwargs={"token": journalist.token}),
            "area link": area.link_path(area.create_link(supporter), code),
            "embargo preview": previews[code],
            "renew": reverse("members:renew", kwargs={"token": renewal.make_token(
                organization, end=renewal.period_end(organization))}),
            "dates": {str(s.translation_key) + ":" + code: s.published_at.isoformat()
                      for s in statements},
        }
print(json.dumps(out))
"""


def log(message):
    print(message, flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Site:
    """The demo coalition served by gunicorn from a temporary directory."""

    def __init__(self, workdir):
        self.workdir = Path(workdir)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DEBUG": "0",
            "DEV_TOOLS": "0",
            "HTTPS": "off",
            "SECRET_KEY": "check-pages-only-" + os.urandom(8).hex(),
            "DATABASE_URL": f"sqlite:///{self.workdir / 'db.sqlite3'}",
            "CACHE_URL": "locmemcache://",
            "STATIC_ROOT": str(self.workdir / "static"),
            "MEDIA_ROOT": str(self.workdir / "media"),
            "ALLOWED_HOSTS": "127.0.0.1",
            "EMAIL_URL": "consolemail://",
            "LOG_LEVEL": "ERROR",
            # The demo's logos are uploads: served by Django here, so no page asks in vain.
            "SERVE_MEDIA": "1",
            # The form pages are sent once per checker and width, all from 127.0.0.1.
            "JOIN_RATE_LIMIT": "1000",
        }
        self.env.pop("DATABASE_URL_TEST", None)
        self.process = None

    def manage(self, *args, capture=False):
        return subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            text=True,
            capture_output=capture,
        )

    def start(self):
        log(f"building the demo site in {self.workdir}")
        self.manage("migrate", "--no-input", "-v0")
        self.manage("load_demo", "--force", capture=True)
        self.manage("collectstatic", "--no-input", "-v0")
        output = self.manage("shell", "--no-imports", "-c", DEMO_URLS, capture=True).stdout
        self.urls = json.loads(output.strip().splitlines()[-1])
        log(f"serving it on {self.base}")
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "icnk.wsgi", "--bind", f"127.0.0.1:{self.port}"]
            + ["--workers", "2", "--log-level", "warning"],
            cwd=ROOT,
            env=self.env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=10)
                return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("the site did not answer within 60 s")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def pages(self):
        """(name, path, expected status) of every public page type in every language."""
        pages = []
        for code in LANGUAGES:
            urls = self.urls[code]
            pages += [
                ("home", f"/{code}/", 200),
                ("about", f"/{code}/about/", 200),
                ("privacy", f"/{code}/privacy/", 200),
                ("members", f"/{code}/members/", 200),
                ("members filtered", f"/{code}/members/?country=KR", 200),
                ("members searched", f"/{code}/members/?q=human", 200),
                ("individuals", f"/{code}/members/?kind=individual", 200),
                ("organization", urls["organization"], 200),
                ("statements", f"/{code}/statements/", 200),
                ("statements searched", f"/{code}/statements/?q=inquiry", 200),
                ("statements by year", f"/{code}/statements/?year={urls['year']}", 200),
                *[("statement", path, 200) for path in urls["statements"]],
                ("campaign", urls["campaign"], 200),
                ("join", f"/{code}/join/", 200),
                ("join as a person", f"/{code}/join/?as=individual", 200),
                ("feed explained", f"/{code}/statements/feed/about/", 200),
                ("members embed", f"/{code}/embed/members/", 200),
                ("members embed filtered", f"/{code}/embed/members/?kind=individual", 200),
                *[
                    ("statement card", path.replace("/statements/", "/embed/statements/", 1), 200)
                    for path in urls["statements"]
                ],
                ("sign-on", urls["sign"], 200),
                ("statements by email", f"/{code}/follow/", 200),
                ("statements by email: check your mail", f"/{code}/follow/sent/", 200),
                ("unsubscribe, unknown link", f"/{code}/follow/unsubscribe/unknown/", 200),
                ("statements by email: confirm", urls["follow confirm"], 200),
                ("statements by email: unsubscribe", urls["follow unsubscribe"], 200),
                ("press list", f"/{code}/press/join/", 200),
                ("press list: check your mail", f"/{code}/press/join/sent/", 200),
                ("press list: confirm", urls["press confirm"], 200),
                ("press list: leave", urls["press leave"], 200),
                ("renewal", urls["renew"], 200),
                ("press preview under embargo", urls["embargo preview"], 200),
                ("members' area: sign in", f"/{code}/members/area/", 200),
                (
                    "members' area: link sent",
                    f"/{code}/members/area/",
                    200,
                    {"post": {"email": "nobody@example.org"}},
                ),
                ("members' area: link", urls["area link"], 200),
                (
                    "a form refused: its page is older than the reader's token",
                    f"/{code}/members/area/",
                    403,
                    {"post": {"email": "nobody@example.org"}, "token": "wrong"},
                ),
                *[
                    (
                        f"members' area: {name} ({who})",
                        f"/{code}/members/area/{name}/",
                        200,
                        {"session": who},
                    )
                    for who, names in (
                        ("organization", ("home", "profile", "contact")),
                        ("supporter", ("home", "visibility", "leave")),
                    )
                    for name in names
                ],
                ("404", f"/{code}/no-such-page/", 404),
            ]
        # (name, path, expected status, how): how is None for a plain GET, {"session": who} for
        # a page of the members' area signed in as `who`, {"post": fields} for the page the
        # form at `path` answers with (with "token": "wrong", sent with a token that does not
        # match the reader's cookie: the page a refused form gets).
        return [(page + (None,))[:4] for page in pages]

    def session_cookie(self, how):
        if how and how.get("session"):
            return {"name": "sessionid", "value": self.urls["sessions"][how["session"]]}
        return None


# Well formed, and not the reader's: what a form from a page older than the cookie sends.
WRONG_TOKEN = "x" * 64


def fetch(url, how=None, site=None):
    """(status, body) of a GET of `url`; with a members' area session, or, for a form, of the
    POST of its fields (with the CSRF token and cookie its GET gave)."""
    import http.cookiejar
    import re
    import urllib.parse

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    headers = {}
    cookie = site.session_cookie(how) if site else None
    if cookie:
        headers["Cookie"] = f"{cookie['name']}={cookie['value']}"
    data = None
    if how and how.get("post"):
        with opener.open(url, timeout=30) as response:
            form = response.read().decode()
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
        token = WRONG_TOKEN if how.get("token") == "wrong" else found.group(1) if found else ""
        fields = {**how["post"], "csrfmiddlewaretoken": token}
        data = urllib.parse.urlencode(fields).encode()
        headers["Referer"] = url
    try:
        request = urllib.request.Request(url, data=data, headers=headers)
        with opener.open(request, timeout=30) as response:
            # A page that sent the checker elsewhere (the members' area without its session,
            # to the sign-in page) is not the page it was meant to check.
            if urllib.parse.urlsplit(response.url).path != urllib.parse.urlsplit(url).path:
                return f"redirected to {response.url}", b""
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def check_status(site, pages):
    problems = []
    for name, path, expected, how in pages:
        status, _body = fetch(site.base + path, how, site)
        if status != expected:
            problems.append(f"{path} ({name}): status {status}, expected {expected}")
    return problems


def check_vnu(site, pages, workdir):
    if not shutil.which("java"):
        return None, "no java (apt-get install default-jre-headless)"
    if not VNU_JAR.exists():
        return None, f"no {VNU_JAR} (make check-pages installs the npm package vnu-jar)"
    folder = Path(workdir) / "html"
    folder.mkdir(exist_ok=True)
    files = {}
    for index, (name, path, _expected, how) in enumerate(pages):
        _status, body = fetch(site.base + path, how, site)
        file = folder / f"page{index:03d}.html"
        file.write_bytes(body)
        files[str(file)] = f"{path} ({name})"
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    problems = []
    for message in messages:
        source = files.get(message.get("url", "").removeprefix("file:"), message.get("url"))
        problems.append(f"{source} line {message.get('lastLine')}: {message['message']}")
    return problems, None


def browser():
    if not Path(CHROMIUM).exists():
        return None, f"no {CHROMIUM} (apt-get install chromium)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None, "Playwright is not installed (make install)"
    return sync_playwright, None


def check_in_browser(site, pages, *, axe, scroll):
    sync_playwright, reason = browser()
    if reason:
        return None, reason
    if axe and not AXE_JS.exists():
        return None, f"no {AXE_JS} (make check-pages installs the npm package axe-core)"
    problems = []
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        # Our Content-Security-Policy refuses injected scripts, as it should: axe is let in
        # by the test browser only.
        context = chromium.new_context(bypass_csp=True)
        page = context.new_page()
        # Every request a page makes (images, styles, the favicon) must succeed, and nothing may
        # be written to the console as an error (a refused style, a CSP violation).
        failures = []
        page.on(
            "response",
            lambda r: (
                r.status >= 400
                and r.request.resource_type != "document"
                and failures.append(f"{r.status} {r.url}")
            ),
        )
        # ERR_ABORTED is the browser itself dropping a lazy image of the page it leaves (the
        # viewport changes before the next page is opened), not an answer from the site.
        page.on(
            "requestfailed",
            lambda r: (
                "ERR_ABORTED" not in (r.failure or "")
                and failures.append(f"failed {r.url}: {r.failure}")
            ),
        )
        page.on(
            "console",
            lambda m: (
                m.type == "error"
                and not m.text.startswith("Failed to load resource")
                and failures.append(f"console: {m.text}")
            ),
        )
        widths = ([375, 1280] if axe else []) + ([320] if scroll else [])
        for name, path, _expected, how in pages:
            context.clear_cookies()
            if cookie := site.session_cookie(how):
                context.add_cookies([{**cookie, "url": site.base}])
            for width in widths:
                page.set_viewport_size({"width": width, "height": 800})
                failures.clear()
                page.goto(site.base + path, wait_until="load")
                if how and how.get("post"):
                    # Fill the form and send it: the page checked is the one it answers with.
                    for field, value in how["post"].items():
                        page.fill(f"form [name={field}]", value)
                    if how.get("token") == "wrong":
                        page.eval_on_selector_all(
                            "[name=csrfmiddlewaretoken]",
                            f"inputs => inputs.forEach(e => e.value = '{WRONG_TOKEN}')",
                        )
                    with page.expect_navigation(wait_until="load"):
                        page.eval_on_selector(
                            f"form [name={next(iter(how['post']))}]", "e => e.form.requestSubmit()"
                        )
                # The browser asks for /favicon.ico on its own, whatever the page links.
                page.wait_for_load_state("networkidle")
                if page.url.split("?")[0] != (site.base + path).split("?")[0]:
                    problems.append(f"{path} ({name}) at {width} px: request: went to {page.url}")
                for failure in dict.fromkeys(failures):
                    problems.append(f"{path} ({name}) at {width} px: request: {failure}")
                if width == 320:
                    overflow = page.evaluate(
                        "[document.documentElement.scrollWidth, window.innerWidth]"
                    )
                    if overflow[0] > overflow[1]:
                        wide = page.evaluate(WIDEST_ELEMENTS)
                        problems.append(f"{path} ({name}) at 320 px: {overflow[0]} px wide; {wide}")
                    continue
                page.add_script_tag(path=str(AXE_JS))
                result = page.evaluate(
                    "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                    AXE_TAGS,
                )
                for violation in result["violations"]:
                    targets = [" ".join(map(str, n["target"])) for n in violation["nodes"][:3]]
                    problems.append(
                        f"{path} ({name}) at {width} px: {violation['id']}: "
                        f"{violation['help']} [{', '.join(targets)}]"
                    )
        chromium.close()
    return problems, None


# Each image's source, its width in the file's own pixels (an <img>'s naturalWidth is divided
# by the density its srcset names), and the CSS pixels it is drawn in.
IMAGE_PIXELS = """
images => Promise.all(images.map(async image => {
  const file = new Image();
  file.src = image.currentSrc || image.src;
  try {
    await file.decode();
  } catch (error) {
    return [file.src, 0, image.clientWidth];  // missing or unreadable
  }
  return [file.src, file.naturalWidth, image.clientWidth];
}))
"""


# The images the site sizes itself: flags, and the copies of logos it makes (members/logos.py)
# for the cards and the organization's page (the demo's logos are 360 px).
SIZED_IMAGES = "img.flag, img.member__logo, img.organization-header__logo"


def check_sharp_images(site, pages):
    """Every flag and logo on every page, at 375 px on a screen of three device pixels to the
    CSS pixel, comes from an image at least three times as wide as it is drawn."""
    sync_playwright, reason = browser()
    if reason:
        return None, reason
    problems = []
    seen = 0
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = chromium.new_context(
            viewport={"width": 375, "height": 800}, device_scale_factor=3
        )
        page = context.new_page()
        for name, path, _expected, how in pages:
            if how and how.get("post"):
                continue  # the page a form answers with: no flag or logo
            context.clear_cookies()
            if cookie := site.session_cookie(how):
                context.add_cookies([{**cookie, "url": site.base}])
            page.goto(site.base + path, wait_until="load")
            page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")  # lazy ones
            page.wait_for_load_state("networkidle")
            images = page.eval_on_selector_all(SIZED_IMAGES, IMAGE_PIXELS)
            seen += len(images)
            for source, pixels, width in images:
                if pixels < 3 * width:
                    problems.append(
                        f"{path} ({name}): {width} px wide drawn from {pixels} px: {source}"
                    )
        chromium.close()
    if not seen:
        problems.append("no page showed a flag or a logo: nothing was checked")
    return sorted(set(problems)), None


# The elements that stick out past the right edge, to say what to fix.
WIDEST_ELEMENTS = """
() => {
  const width = window.innerWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && out.length < 3) {
      const cls = el.className ? '.' + String(el.className).split(' ')[0] : '';
      out.push(el.tagName.toLowerCase() + cls + ' ' + Math.round(r.right) + 'px');
    }
  }
  return out.join(', ');
}
"""


def take_screenshots(site, folder):
    sync_playwright, reason = browser()
    if reason:
        log(f"no screenshots: {reason}")
        return
    folder.mkdir(parents=True, exist_ok=True)
    pages = {
        "home-ko": "/ko/",
        "statements-ja": "/ja/statements/",
        "members-en": "/en/members/",
        "statement-en": site.urls["en"]["statements"][0],
        "statement-ko": site.urls["ko"]["statements"][0],
    }
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = chromium.new_page()
        for name, path in pages.items():
            for width in (320, 375):
                page.set_viewport_size({"width": width, "height": 800})
                page.goto(site.base + path, wait_until="load")
                page.screenshot(path=folder / f"{name}-{width}.png", full_page=True)
        chromium.close()
    log(f"screenshots in {folder}")


def check_feeds(site):
    problems = []
    for code in LANGUAGES:
        path = f"/{code}/statements/feed/"
        status, body = fetch(site.base + path)
        if status != 200:
            problems.append(f"{path}: status {status}")
            continue
        try:
            feed = ET.fromstring(body)
        except ET.ParseError as error:
            problems.append(f"{path}: not XML: {error}")
            continue
        authors = feed.findall(f"{ATOM}author/{ATOM}name")
        if not authors or not authors[0].text:
            problems.append(f"{path}: no atom:author with a name (RFC 4287 4.1.1)")
        entries = feed.findall(f"{ATOM}entry")
        if not entries:
            problems.append(f"{path}: no entry")
        dates = site.urls[code]["dates"]
        for entry in entries:
            key = entry.findtext(f"{ATOM}id", "").removeprefix("urn:uuid:")
            updated = entry.findtext(f"{ATOM}updated")
            expected = dates.get(key)
            if expected is None:
                problems.append(f"{path}: entry {key} is not a published {code} statement")
            elif not updated or not same_instant(updated, expected):
                problems.append(f"{path}: entry {key} updated {updated}, published {expected}")
    return problems, None


SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def check_sitemap(site):
    """Every URL in the sitemap answers 200, and its language alternates name each other."""
    problems = []
    status, body = fetch(site.base + "/sitemap.xml")
    if status != 200:
        return [f"/sitemap.xml: status {status}"], None
    sections = [loc.text for loc in ET.fromstring(body).iter(f"{SITEMAP}loc")]
    alternates = {}
    for section in sections:
        status, body = fetch(section)
        if status != 200:
            problems.append(f"{section}: status {status}")
            continue
        for url in ET.fromstring(body).iter(f"{SITEMAP}url"):
            loc = url.findtext(f"{SITEMAP}loc")
            alternates[loc] = {
                link.get("hreflang"): link.get("href")
                for link in url.iter(f"{XHTML}link")
                if link.get("rel") == "alternate"
            }
    for loc, links in alternates.items():
        status, _body = fetch(loc)
        if status != 200:
            problems.append(f"{loc}: status {status}")
        for code, href in links.items():
            if code == "x-default":
                continue
            if href not in alternates:
                problems.append(f"{loc}: alternate {code} {href} is not in the sitemap")
            elif alternates[href].get(code) != href or loc not in alternates[href].values():
                problems.append(f"{loc}: alternate {code} {href} does not name it back")
    if not alternates:
        problems.append("/sitemap.xml lists no URL")
    return problems, None


def same_instant(one, other):
    from datetime import datetime

    return datetime.fromisoformat(one) == datetime.fromisoformat(other)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="vnu,axe,scroll,sharp,feeds,sitemap")
    parser.add_argument(
        "--pages",
        metavar="WORDS",
        help="only the page types whose name contains one of these comma-separated words",
    )
    parser.add_argument("--keep", help="build the site in this folder and keep it")
    parser.add_argument(
        "--screenshots",
        metavar="DIR",
        help="also save phone screenshots (320 and 375 px) of a few pages into DIR",
    )
    args = parser.parse_args()
    wanted = set(args.only.split(","))

    workdir = args.keep or tempfile.mkdtemp(prefix="check-pages-")
    Path(workdir).mkdir(parents=True, exist_ok=True)
    site = Site(workdir)
    results = {}
    try:
        site.start()
        pages = site.pages()
        if args.pages:
            words = args.pages.split(",")
            pages = [page for page in pages if any(word in page[0] for word in words)]
        log(f"{len(pages)} pages: {len({p[0] for p in pages})} types in {len(LANGUAGES)} languages")
        results["status"] = (check_status(site, pages), None)
        if "vnu" in wanted:
            log("Nu HTML Checker ...")
            results["Nu HTML Checker"] = check_vnu(site, pages, workdir)
        if "axe" in wanted or "scroll" in wanted:
            log("Chromium: axe-core at 375 and 1280 px, sideways scrolling at 320 px ...")
            problems, reason = check_in_browser(
                site, pages, axe="axe" in wanted, scroll="scroll" in wanted
            )
            if problems is None:
                results["axe-core and 320 px"] = (None, reason)
            else:
                requests = [p for p in problems if " px: request: " in p]
                problems = [p for p in problems if p not in requests]
                results["axe-core"] = ([p for p in problems if " at 320 px" not in p], None)
                results["320 px"] = ([p for p in problems if " at 320 px" in p], None)
                results["subresources and console"] = (requests, None)
        if "sharp" in wanted:
            log("Chromium: flags and logos on a phone's screen ...")
            results["sharp images"] = check_sharp_images(site, pages)
        if "feeds" in wanted:
            results["feeds"] = check_feeds(site)
        if "sitemap" in wanted:
            log("sitemap ...")
            results["sitemap"] = check_sitemap(site)
        if args.screenshots:
            take_screenshots(site, Path(args.screenshots))
    finally:
        site.stop()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)

    failed = False
    for checker, (problems, reason) in results.items():
        if problems is None:
            log(f"SKIPPED {checker}: {reason}")
            continue
        log(f"{'FAIL' if problems else 'ok  '} {checker}: {len(problems)} finding(s)")
        for problem in problems:
            log(f"     {problem}")
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
