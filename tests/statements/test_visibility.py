"""Drafts and scheduled statements are invisible everywhere public until their time."""

import datetime

import pytest
from django.utils import timezone

from members.models import Organization
from statements.models import Signature, Statement
from statements.queries import signed_by

pytestmark = pytest.mark.django_db

FUTURE = datetime.timedelta(days=2)


@pytest.fixture
def hidden(make_statement):
    """A draft and a statement scheduled for later, both with telling titles."""
    return [
        make_statement(title="Secret draft words", slug="draft", status=Statement.Status.DRAFT),
        make_statement(
            title="Embargoed scheduled words",
            slug="scheduled",
            published_at=timezone.now() + FUTURE,
        ),
    ]


def test_drafts_and_scheduled_statements_are_not_listed(client, site_settings, statement, hidden):
    html = client.get("/en/statements/").content.decode()
    assert statement.title in html
    assert "Secret draft" not in html and "Embargoed" not in html
    assert "1 statement" in html


@pytest.mark.parametrize("slug", ["draft", "scheduled"])
def test_drafts_and_scheduled_statements_answer_404(client, site_settings, hidden, slug):
    assert client.get(f"/en/statements/{slug}/").status_code == 404
    assert client.get(f"/api/v1/statements/{slug}/").status_code == 404


def test_search_does_not_find_hidden_statements(client, site_settings, hidden):
    html = client.get("/en/statements/", {"q": "words"}).content.decode()
    assert "Secret draft" not in html and "Embargoed" not in html
    assert "No statement matches" in html


def test_feed_sitemap_api_and_home_leave_hidden_statements_out(
    client, site_settings, statement, hidden
):
    for url in [
        "/en/statements/feed/",
        "/sitemap.xml",
        "/sitemap-statements.xml",
        "/api/v1/statements/",
        "/en/",
    ]:
        body = client.get(url).content.decode()
        assert "Secret draft" not in body and "/draft/" not in body, url
        assert "Embargoed" not in body and "/scheduled/" not in body, url
    assert client.get("/api/v1/statements/").json()["count"] == 1


def test_a_scheduled_statement_appears_by_itself_once_its_time_has_come(
    client, site_settings, make_statement
):
    scheduled = make_statement(slug="soon", published_at=timezone.now() + FUTURE)
    assert client.get("/en/statements/soon/").status_code == 404
    # No cron: time passing is all it takes (moved here by changing the stored time).
    Statement.objects.filter(pk=scheduled.pk).update(
        published_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert client.get("/en/statements/soon/").status_code == 200


def test_organization_pages_list_only_public_statements_it_signed(make_statement, hidden):
    organization = Organization.objects.create(name="Odhikar", slug="odhikar")
    public = make_statement(title="Public statement")
    for statement in [public, *hidden]:
        Signature.objects.create(statement=statement, organization=organization)
    assert [s.title for s in signed_by(organization, "en")] == ["Public statement"]
