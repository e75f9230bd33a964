"""Hostile query strings and slugs on the HTML pages answer 400 with a reason, never 500.

(The same inputs on the JSON APIs are in test_api.py.) Run on PostgreSQL too: there a NUL
byte that reached a query would fail with 500.
"""

import pytest

pytestmark = pytest.mark.django_db

BAD_NUMBERS = ["abc", "null", "0.5", "0", "１", "9" * 20, "1.0", " 1"]


@pytest.mark.parametrize("page", BAD_NUMBERS)
@pytest.mark.parametrize("url", ["/en/statements/", "/en/members/"])
def test_a_bad_page_number_is_a_400_page_naming_it(client, site_settings, url, page):
    response = client.get(url, {"page": page})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "These parameters of the address are not valid: page." in response.text


@pytest.mark.parametrize("url", ["/en/statements/", "/en/members/"])
def test_an_empty_page_number_is_the_first_page(client, site_settings, url):
    """An empty parameter means no filter, as in the API (`?kind=&year=`): the first page."""
    assert client.get(url, {"page": ""}).content == client.get(url).content


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"year": "9" * 20}, "year"),
        ({"year": "２０１３"}, "year"),  # full-width digits
        ({"year": "²"}, "year"),
        ({"year": "99999"}, "year"),
        ({"kind": "nonsense"}, "kind"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_a_bad_statement_filter_is_a_400_page_naming_it(client, site_settings, params, parameter):
    response = client.get("/en/statements/", params)
    assert response.status_code == 400
    assert f"These parameters of the address are not valid: {parameter}." in response.text


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/en/statements/", {"q": "a\x00b"}),
        ("/en/statements/", {"campaign": "coi\x00"}),
        ("/en/members/", {"q": "a\x00b"}),
        ("/en/members/", {"country": "K\x00"}),
        ("/en/members/", {"kind": "\x00"}),
        ("/en/statements/a\x00b/", {}),
        ("/en/members/a\x00b/", {}),
        ("/en/campaigns/a\x00b/", {}),
        # A parameter no page reads never reaches the view: the page cache drops it from the
        # request (icnk/cache.py), so it cannot fill the cache either.
        ("/en/join/", {"q\x00": "x"}),
    ],
)
def test_a_nul_byte_anywhere_is_a_400_page(client, site_settings, url, params):
    response = client.get(url, params)
    assert response.status_code == 400
    assert "The address contains a NUL byte" in response.text


def test_good_filters_still_answer(client, site_settings):
    assert client.get("/en/statements/", {"year": "2013", "kind": "", "q": " "}).status_code == 200
    assert client.get("/en/statements/", {"page": "1", "campaign": ""}).status_code == 200
    # The directory reads a country code in either case and ignores one it does not know.
    assert client.get("/en/members/", {"country": "jp", "page": "1"}).status_code == 200
    assert client.get("/en/members/", {"country": "ZZ", "kind": "x"}).status_code == 200
