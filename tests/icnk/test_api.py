"""The one convention of the JSON APIs (icnk/api.py), checked on both of them."""

import datetime

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from members.models import Organization, OrganizationKind
from statements.models import Campaign, Statement

pytestmark = pytest.mark.django_db

ENVELOPE = {"count", "page", "pages", "next", "previous", "results"}
LISTS = ["/api/v1/members/", "/api/v1/statements/"]


@pytest.fixture
def published(site_settings):
    Organization.objects.create(
        name="Open North Korea", slug="open-north-korea", country="KR",
        kind=OrganizationKind.NATIONAL_NGO,
    )  # fmt: skip
    Campaign.objects.create(
        title_en="Commission of Inquiry", slug="coi", is_public=True, started_on="2011-09-08"
    )
    return Statement.objects.create(
        title="Coalition welcomes the inquiry",
        slug="welcomes-inquiry",
        language="en",
        body="Body.",
        status=Statement.Status.PUBLISHED,
        published_at=timezone.now() - datetime.timedelta(days=1),
    )


def detail_urls(statement):
    return ["/api/v1/members/open-north-korea/", f"/api/v1/statements/{statement.slug}/"]


def test_both_lists_answer_one_envelope(client, published):
    members = client.get("/api/v1/members/").json()
    statements = client.get("/api/v1/statements/").json()
    assert set(statements) == ENVELOPE
    # The members list adds the coalition's public totals beside the same envelope.
    assert set(members) == ENVELOPE | {"totals"}
    for body in (members, statements):
        assert (body["count"], body["page"], body["pages"]) == (1, 1, 1)
        assert body["next"] is body["previous"] is None


def test_next_and_previous_keep_the_filters(client, published):
    Statement.objects.bulk_create(
        Statement(
            title=f"News {n}", slug=f"news-{n}", language="en", body=".", kind="news",
            status=Statement.Status.PUBLISHED,
            published_at=timezone.now() - datetime.timedelta(days=2 + n),
        )
        for n in range(25)
    )  # fmt: skip
    first = client.get("/api/v1/statements/", {"kind": "news"}).json()
    assert (first["count"], first["pages"]) == (25, 2)
    assert first["next"] == "http://testserver/api/v1/statements/?kind=news&page=2"
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 5
    assert second["previous"] == "http://testserver/api/v1/statements/?kind=news&page=1"


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v1/members/", "members-api:list"),
        ("/api/v1/members/open-north-korea/", "members-api:detail"),
        ("/api/v1/members/openapi.json", "members-api:schema"),
        ("/api/v1/statements/", "statements-api:list"),
        ("/api/v1/statements/welcomes-inquiry/", "statements-api:detail"),
        ("/api/v1/statements/openapi.json", "statements-api:schema"),
    ],
)
def test_the_url_names_hold(path, name):
    # The page cache and other code find the API's views by these names.
    assert resolve(path).view_name == name


@pytest.mark.parametrize("name", ["members-api", "statements-api"])
def test_head_answers_wherever_get_does(client, published, name):
    urls = [reverse(f"{name}:list"), reverse(f"{name}:schema")]
    urls += [u for u in detail_urls(published) if u.startswith(reverse(f"{name}:list"))]
    for url in urls:
        get, head = client.get(url), client.head(url)
        assert get.status_code == head.status_code == 200, url
        assert head["Content-Type"] == get["Content-Type"]
        assert get["Content-Type"].startswith("application/json")
        assert head.content == b""


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"page": "abc"}, "page"),
        ({"page": "null"}, "page"),
        ({"page": "0.5"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "１"}, "page"),  # full-width digit one
        ({"page": "1.0"}, "page"),
        ({"page": "+1"}, "page"),
        ({"page": "9" * 20}, "page"),
        ({"kind": "nonsense"}, "kind"),
    ],
)
def test_a_bad_parameter_is_json_400_naming_it(client, published, url, params, parameter):
    response = client.get(url, params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"].startswith(f"{parameter}: ")


@pytest.mark.parametrize(
    ("url", "params", "parameter"),
    [
        ("/api/v1/statements/", {"year": "9" * 20}, "year"),
        ("/api/v1/statements/", {"year": "２０１３"}, "year"),  # full-width digits
        ("/api/v1/statements/", {"year": "0"}, "year"),
        ("/api/v1/statements/", {"language": "fr"}, "language"),
        ("/api/v1/statements/", {"q": "x" * 201}, "q"),
        ("/api/v1/members/", {"country": "ZZ"}, "country"),
        ("/api/v1/members/", {"q": "x" * 101}, "q"),
    ],
)
def test_each_api_parameter_is_checked(client, published, url, params, parameter):
    response = client.get(url, params)
    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"{parameter}: ")


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/statements/", {"q": "a\x00b"}),
        ("/api/v1/statements/", {"campaign": "coi\x00"}),
        ("/api/v1/members/", {"q": "a\x00b"}),
        ("/api/v1/members/", {"country": "K\x00"}),
        ("/api/v1/members/", {"kind": "\x00"}),
        ("/api/v1/statements/welcomes\x00inquiry/", {}),
        ("/api/v1/members/open\x00north-korea/", {}),
    ],
)
def test_a_nul_byte_is_json_400(client, published, url, params):
    response = client.get(url, params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "NUL" in response.json()["detail"]


def test_good_filters_still_answer(client, published):
    found = client.get("/api/v1/statements/", {"year": published.published_at.year})
    assert found.json()["count"] == 1
    assert client.get("/api/v1/statements/", {"campaign": "coi"}).json()["count"] == 0
    assert client.get("/api/v1/statements/", {"kind": "", "year": ""}).json()["count"] == 1
    assert client.get("/api/v1/members/", {"country": "KR"}).json()["count"] == 1


@pytest.mark.parametrize("url", LISTS)
def test_a_page_past_the_end_is_json_404(client, published, url):
    response = client.get(url, {"page": 2})
    assert response.status_code == 404
    assert response.json() == {"detail": "page: no such page"}


def test_nothing_there_is_json_404(client, published):
    for url in ["/api/v1/members/nobody/", "/api/v1/statements/nothing/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["detail"].startswith("no such")


@pytest.mark.parametrize("url", LISTS)
def test_a_write_is_json_405(client, published, url):
    response = client.post(url, {})
    assert response.status_code == 405
    assert response.json()["detail"].startswith("method not allowed")
    assert set(response["Allow"].split(", ")) == {"GET", "HEAD"}


def test_drafts_and_scheduled_statements_are_not_in_the_api(client, published):
    for slug, changes in [
        ("a-draft", {"status": Statement.Status.DRAFT}),
        ("scheduled", {"published_at": timezone.now() + datetime.timedelta(days=1)}),
    ]:
        Statement.objects.create(
            **{"title": slug, "slug": slug, "language": "en", "body": ".",
               "status": Statement.Status.PUBLISHED, "published_at": published.published_at,
               **changes}
        )  # fmt: skip
        assert client.get(f"/api/v1/statements/{slug}/").status_code == 404
    listed = client.get("/api/v1/statements/").json()["results"]
    assert [s["slug"] for s in listed] == [published.slug]


@pytest.mark.parametrize(
    ("name", "paths", "parameters"),
    [
        (
            "members-api",
            ["/api/v1/members/", "/api/v1/members/{slug}/"],
            {"q", "country", "kind", "order"},
        ),
        (
            "statements-api",
            ["/api/v1/statements/", "/api/v1/statements/{slug}/"],
            {"q", "kind", "year", "campaign", "language"},
        ),
    ],
)
def test_each_schema_is_generated_and_describes_its_api(client, db, name, paths, parameters):
    response = client.get(reverse(f"{name}:schema"))
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert sorted(schema["paths"]) == paths
    listing = schema["paths"][paths[0]]["get"]
    assert {p["name"] for p in listing["parameters"]} == parameters | {"page"}
    assert set(listing["responses"]) == {"200", "400", "404"}
    page = next(p for p in listing["parameters"] if p["name"] == "page")
    assert (page["schema"]["minimum"], page["schema"]["type"]) == (1, "integer")
    envelope = schema["components"]["schemas"][
        listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    ]
    assert set(envelope["properties"]) >= ENVELOPE
