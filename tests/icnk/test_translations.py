"""Korean and Japanese read as a reader in Seoul or Tokyo would write them (issue 13)."""

import os
import re
import shutil
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation
from django_countries import countries

from members.models import Organization
from statements.models import Campaign, Statement

pytestmark = pytest.mark.django_db

# 国際連合 is the Japanese name of the United Nations, never of the coalition.
UNITED_NATIONS = "国際連合"


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())


def japanese_public_pages():
    pages = ["/ja/", "/ja/about/", "/ja/privacy/", "/ja/members/", "/ja/join/"]
    pages += ["/ja/statements/", "/ja/statements/feed/"]
    with translation.override("ja"):
        pages += [s.get_absolute_url() for s in Statement.objects.published().filter(language="ja")]
        pages += [c.get_absolute_url() for c in Campaign.objects.public()]
        pages += [o.get_absolute_url() for o in Organization.objects.listed()]
    return pages


def test_no_japanese_public_page_calls_the_coalition_the_united_nations(client, demo):
    pages = japanese_public_pages()
    assert len(pages) > 10, pages
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert UNITED_NATIONS not in response.content.decode(), url
    home = client.get("/ja/").content.decode()
    assert "北朝鮮における人道に対する罪を止める国際NGO連合" in home
    assert "人権のための国際NGO連合" in home


@pytest.mark.parametrize(
    ("code", "language", "expected"),
    [
        ("SC", "ko", "세이셸"),  # django-countries: 시칠리, "Sicily"
        ("KY", "ko", "케이맨 제도"),  # 케이맨 섬1
        ("RO", "ko", "루마니아"),  # 로마니아
        ("MN", "ko", "몽골"),  # 몽골리아
        ("KP", "ko", "북한"),  # 조선민주주의인민공화국
        ("TH", "ko", "태국"),  # 타이
        ("GE", "ja", "ジョージア"),  # グルジア
        ("PS", "ja", "パレスチナ"),  # パレスチナ自治州
        ("GF", "ja", "仏領ギアナ"),  # 仏領ギニア, another country
        ("SC", "en", "Seychelles"),
        ("KP", "en", "North Korea"),
    ],
)
def test_country_names_are_those_a_seoul_or_tokyo_reader_expects(code, language, expected):
    with translation.override(language):
        assert countries.name(code) == expected


@pytest.mark.parametrize(
    ("language", "shown", "never"),
    [
        ("ko", ["세이셸", "북한", "루마니아"], ["시칠리", "조선민주주의인민공화국", "로마니아"]),
        ("ja", ["ジョージア", "セーシェル"], ["グルジア", "パレスチナ自治州"]),
    ],
)
def test_the_join_forms_country_list_uses_the_corrected_names(
    client, site_settings, language, shown, never
):
    html = client.get(f"/{language}/join/").content.decode()
    for name in shown:
        assert f">{name}</option>" in html
    for name in never:
        assert name not in html


# Words the glossary (locale/GLOSSARY.md) rules out, with the reason a reader would give.
RULED_OUT = {
    "ja": {
        "国際連合": "the United Nations, not the coalition",
        "国内NGO": "a domestic (Japanese) NGO",
        "ホームページ": "the whole website, not its home page",
        "加盟者": "the glossary says メンバー",
        "追加で賛同": "the glossary says 追加署名",
        "あなた": "too direct for the site's polite register",
    },
    "ko": {
        "국내 NGO": "a domestic (Korean) NGO",
        "홈페이지": "the whole website, not its home page",
        "주요 일정": "an upcoming schedule, not a past timeline",
    },
}


@pytest.mark.parametrize("language", ["ko", "ja"])
def test_djangos_own_words_that_break_the_glossary_are_ours_instead(language):
    from django.contrib.auth.password_validation import password_validators_help_texts

    from icnk.django_strings import RETRANSLATED

    with translation.override(language):
        shown = [translation.gettext(message) for message in RETRANSLATED]
        rules = " ".join(map(str, password_validators_help_texts()))
    for message, text in zip(RETRANSLATED, shown, strict=True):
        assert text != message, f"not translated: {message}"
    for word, reason in RULED_OUT[language].items():
        assert not [t for t in [*shown, rules] if word in t], f"{word} ({reason})"
    # The password rules a member reads when choosing one.
    assert shown[0] in rules


@pytest.mark.parametrize("language", ["ko", "ja"])
def test_catalogues_are_complete_valid_and_follow_the_glossary(settings, language):
    po = settings.BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"
    check = subprocess.run(
        ["msgfmt", "-c", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    assert "fuzzy" not in check.stderr and "untranslated" not in check.stderr, check.stderr
    text = po.read_text(encoding="utf-8").replace('"\n"', "")
    # msgfmt counts fuzzy messages but not a fuzzy header, which makes gettext ignore it.
    assert "#, fuzzy" not in text
    translations = re.findall(r'^msgstr(?:\[\d\])? "(.*)"$', text, flags=re.MULTILINE)
    for word, reason in RULED_OUT[language].items():
        found = [t for t in translations if word in t]
        assert not found, f"{word} ({reason}): {found}"


# What `make messages` extracts from: everything but the tests, tools and built files.
SOURCES = (
    "manage.py",
    "icnk",
    "members",
    "statements",
    "drives",
    "followers",
    "benchmarks",
    "templates",
    "static",
)


def _messages(po):
    """The catalogue's messages and translations, without file references or creation date."""
    result = subprocess.run(
        ["msgcat", "--no-location", "--sort-output", "--no-wrap", str(po)],
        capture_output=True,
        text=True,
        check=True,
    )
    return [line for line in result.stdout.splitlines() if "POT-Creation-Date" not in line]


@pytest.mark.skipif(shutil.which("msgcat") is None, reason="needs GNU gettext (msgcat)")
def test_the_catalogues_hold_every_string_the_code_uses_and_no_other(settings, tmp_path):
    """`make messages` would change nothing but line references: no string is missing from the
    catalogues (a reader would see English) and none is left over."""
    base = settings.BASE_DIR
    for name in SOURCES:
        source = base / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    shutil.copytree(base / "locale", tmp_path / "locale")
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ko", "-l", "ja"]
        + ["--no-obsolete", "-v0"],
        cwd=tmp_path,
        env={**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "icnk.settings"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    for language in ("ko", "ja"):
        relative = f"locale/{language}/LC_MESSAGES/django.po"
        assert _messages(tmp_path / relative) == _messages(base / relative), (
            f"{relative} differs from what `make messages` extracts: run it and translate"
        )
