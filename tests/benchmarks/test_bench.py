"""`make bench`: each public page's full-size time against the same page on the demo coalition
(issue 18: within 1.5×), on pages that exist in the demo."""

import io

import pytest
from django.core.management import call_command

from benchmarks.management.commands.bench import (
    ADMIN_PAGES,
    PUBLIC_PAGES,
    Command,
    _demo_ratios,
    _median_of_runs,
    demo_pages,
    pages,
)
from members.models import Organization
from statements.models import Statement

FULL_MS = {"organization": 20.0, "statement": 15.0}  # every other page: 10 ms
DEMO_MS = {"organization": 10.0, "statement": 10.0}  # every other page: 8 ms


def results():
    load = {"rps": 100.0, "p50_ms": 5.0, "p99_ms": 9.0, "errors": 0}
    return {
        "when": "2026-12-01 01:00",
        "database": "127.0.0.1:5432/icnk_bench",
        "demo_database": "127.0.0.1:5432/icnk_bench_demo",
        "cache": "locmemcache://",
        "load_generator": "wrk",
        "seed_seconds": None,
        "load": {mode: dict.fromkeys(pages(), load) for mode in ("cached", "uncached")},
        "in_process": {
            name: {"median_ms": FULL_MS.get(name, 10.0), "queries": 1}
            for name in [*pages(), *ADMIN_PAGES]
        },
        "demo_in_process": {
            name: {"path": f"/{name}/", "median_ms": DEMO_MS.get(name, 8.0), "queries": 1}
            for name in PUBLIC_PAGES
        },
        "demo_ratios": {
            name: FULL_MS.get(name, 10.0) / DEMO_MS.get(name, 8.0) for name in PUBLIC_PAGES
        },
        "demo_pairs": 3,
        "memory": None,
    }


def rows(table):
    """The main table's rows by page name: its cells, the name left out, by column title."""
    lines = table.splitlines()
    header = next(line for line in lines if line.startswith("| page |"))
    titles = [cell.strip() for cell in header.strip("|").split("|")][1:]
    found = {}
    for line in lines[lines.index(header) + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        found[cells[0]] = dict(zip(titles, cells[1:], strict=True))
    return found


def test_the_table_gives_each_public_page_its_demo_time_and_the_ratio_to_it():
    table = Command().table(results())
    by_page = rows(table)
    assert by_page["statement"]["demo-size in-process ms"] == "10.00"
    assert by_page["statement"]["full ÷ demo"] == "1.50"  # at the bar: within it
    assert by_page["organization"]["full ÷ demo"] == "2.00"
    assert by_page["home"]["full ÷ demo"] == "1.25"
    # The references are not pages of the demo.
    assert by_page["floor"]["demo-size in-process ms"] == by_page["minimal"]["full ÷ demo"] == "–"
    assert (
        "/organization/ and /statement/), the median over 3 pairs of runs, full size then "
        "demo size. Bar: at most 1.5× for every page; over it: organization." in table
    )


def test_the_ratio_to_the_demo_is_the_median_of_pairs_run_one_after_the_other():
    """The machine ran at half speed during the second pair: that pair's ratio is still 2, and
    so is the median of the three pairs' ratios, where the ratio of the median times (12 ms
    over 5 ms) would have said 2.4."""

    def run(ms):
        return {"organization": {"path": "/o/", "median_ms": ms, "queries": 2}}

    pairs = [(run(10.0), run(5.0)), (run(20.0), run(10.0)), (run(12.0), run(4.0))]
    assert _demo_ratios(pairs) == {"organization": 2.0}
    assert _median_of_runs([full for full, _ in pairs])["organization"]["median_ms"] == 12.0


@pytest.mark.django_db
def test_the_demo_pages_are_its_most_signed_statement_and_organization_and_all_answer(client):
    call_command("load_demo", force=True, stdout=io.StringIO())
    chosen = demo_pages()
    assert set(chosen) == PUBLIC_PAGES
    # The January 2013 release: 39 organizations and 7 people (the launch statement has 14).
    assert chosen["statement"] == "/en/statements/coalition-welcomes-japans-call-for-an-inquiry/"
    slug = chosen["organization"].split("/")[-2]
    signed = {o.slug: o.signatures.count() for o in Organization.objects.listed()}
    assert signed[slug] == max(signed.values()) > 0
    for path in chosen.values():
        assert client.get(path).status_code == 200, path
    korean = client.get(chosen["search (ko)"]).text
    title = Statement.objects.get(language="ko", title__contains="북한인권").title
    assert title in korean
