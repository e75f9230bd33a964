"""The client address behind proxies: X-Forwarded-For is read only from a proxy we trust."""

import pytest
from django.test import RequestFactory

from icnk.net import client_ip


def request(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


@pytest.fixture
def behind_proxies(settings):
    # As README's deployment recipe had it (one hop trusted), plus the proxies' own network.
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "127.0.0.1"]


def test_a_client_reaching_the_app_server_directly_cannot_pick_its_address(behind_proxies):
    assert client_ip(request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_the_address_our_proxy_saw_is_the_client(behind_proxies):
    assert client_ip(request("10.0.0.5", "198.51.100.1")) == "198.51.100.1"
    assert client_ip(request("127.0.0.1", "198.51.100.1")) == "198.51.100.1"


def test_addresses_the_client_wrote_before_our_proxies_are_ignored(behind_proxies):
    # The client sent "X-Forwarded-For: 192.0.2.1"; two of our proxies appended what they saw.
    forwarded = "192.0.2.1, 198.51.100.1, 10.0.0.7"
    assert client_ip(request("10.0.0.5", forwarded)) == "198.51.100.1"


def test_garbage_in_the_header_does_not_become_an_address(behind_proxies):
    assert client_ip(request("10.0.0.5", "not-an-address")) == "10.0.0.5"
    assert client_ip(request("10.0.0.5", "198.51.100.1, ")) == "10.0.0.5"


def test_with_no_proxy_trusted_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"
