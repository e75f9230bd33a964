"""A worker's own copies of cached answers (icnk/local_answers.py): served without asking Redis,
dropped the moment Redis says the generation changed, or when it cannot say.

Needs Redis as the cache (CACHE_URL=redis://127.0.0.1:6379/<n>): .ci/run's second pass.
"""

import datetime
import select
import time

import pytest
import redis
from django.core.cache import cache, caches
from django.utils import timezone

from icnk import local_answers
from icnk.cache import GENERATION_KEY, HIT_KEY_PREFIX
from statements.models import Statement

pytestmark = pytest.mark.django_db

PAGE = "/en/statements/"


@pytest.fixture(autouse=True)
def _redis():
    if not type(caches["default"]).__module__.startswith("django_redis"):
        pytest.skip("needs Redis as the cache (CACHE_URL=redis://127.0.0.1:6379/n)")
    local_answers.answers.forget()
    yield
    local_answers.answers.forget()


@pytest.fixture
def statement(site_settings):
    return Statement.objects.create(
        title="Joint letter on detention", slug="joint-letter", language="en", body="Body.",
        status=Statement.Status.PUBLISHED,
        published_at=timezone.now() - datetime.timedelta(hours=1),
    )  # fmt: skip


def raw_redis():
    """Another client of the same Redis, as another app server would be."""
    return cache.client.get_client(write=True).__class__(
        connection_pool=redis.ConnectionPool(
            **cache.client.get_client(write=True).connection_pool.connection_kwargs
        )
    )


def answered_early(response):
    """Answered by the first middleware (SiteURLMiddleware, further in, never saw it)."""
    request = response.wsgi_request
    return not (
        hasattr(request, "session")
        or hasattr(request, "user")
        or "_current_scheme_host" in vars(request)
    )


def remove_shared_copies():
    """Delete every stored answer in Redis (not the generation): only a worker's own copy can
    answer early after this."""
    other = raw_redis()
    for key in other.scan_iter(match=f"*:{HIT_KEY_PREFIX}:*"):
        other.delete(key)


def warm(client):
    for _ in range(3):  # rendered, then from Redis (the worker keeps it), then its own copy
        response = client.get(PAGE)
    assert answered_early(response) and "Joint letter on detention" in response.text
    return response


def test_a_hit_is_served_from_the_workers_copy_without_redis(client, statement):
    warm(client)
    remove_shared_copies()
    response = client.get(PAGE)
    assert answered_early(response) and "Joint letter on detention" in response.text


def test_a_new_generation_written_by_another_server_drops_the_copy_at_once(client, statement):
    first = warm(client)
    remove_shared_copies()
    # Another server's write: Statement.objects.update() sends no signal here, so only the
    # generation written straight into Redis can tell this worker the page changed.
    Statement.objects.filter(pk=statement.pk).update(title="Letter renamed elsewhere")
    other = raw_redis()
    key = cache.make_key(GENERATION_KEY)
    state = cache.get(GENERATION_KEY)
    other.set(key, cache.client.encode({**state, "generation": state["generation"] + 1}))
    response = client.get(PAGE)
    assert not answered_early(response)
    assert "Letter renamed elsewhere" in response.text and response.content != first.content


def test_a_lost_tracking_connection_drops_the_copies(client, statement):
    warm(client)
    remove_shared_copies()
    other = raw_redis()
    tracking = [c for c in other.client_list() if "t" in c["flags"]]
    assert tracking, "the worker tracks the generation"
    for connection in tracking:
        other.client_kill_filter(_id=connection["id"])
    # Without its tracking connection the worker cannot know of a change: it asks Redis,
    # which no longer has the answer as sent (the page goes down the stack).
    response = client.get(PAGE)
    assert not answered_early(response) and "Joint letter on detention" in response.text


def test_a_generation_unconfirmed_for_a_second_is_read_again(client, statement):
    warm(client)
    remove_shared_copies()
    # A connection cut without a word (between two servers): nothing ever arrives on it.
    local_answers.answers._poll = select.poll()
    assert answered_early(client.get(PAGE))  # within MAX_AGE: still the worker's copy
    time.sleep(local_answers.MAX_AGE + 0.1)
    response = client.get(PAGE)
    assert not answered_early(response) and "Joint letter on detention" in response.text


def test_a_take_down_in_this_process_reaches_its_own_copy(client, statement):
    warm(client)
    Statement.objects.filter(pk=statement.pk).update(status=Statement.Status.UNPUBLISHED)
    statement.refresh_from_db()
    statement.save()  # signals: a new generation, as the admin's unpublish gives
    response = client.get(PAGE)
    assert "Joint letter on detention" not in response.text


def test_a_change_in_this_process_drops_its_copies_before_redis_says_so(client, statement):
    """Redis's word of a new generation can reach the tracking connection a moment after the
    write's own answer: the worker that wrote it does not wait for it."""
    warm(client)
    local_answers.answers._poll = select.poll()  # the word has not arrived (nor ever will)
    Statement.objects.filter(pk=statement.pk).update(status=Statement.Status.UNPUBLISHED)
    statement.refresh_from_db()
    statement.save()  # signals: a new generation
    response = client.get(PAGE)
    assert "Joint letter on detention" not in response.text
