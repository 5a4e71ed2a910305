"""The Redis cache backend survives a Redis outage: pages come from the database instead."""

import socket

import pytest
from django.core.cache import caches
from django.test import Client

from newsroom.cache import ResilientRedisCache
from tests.factories import published_article


def closed_port():
    """A local port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    """The site's cache pointed at a Redis that is not running."""
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    yield caches["default"]
    caches["default"].close()


def test_every_cache_call_answers_as_a_miss_when_redis_is_down(redis_down):
    """Reads miss, writes are dropped, nothing raises."""
    assert isinstance(redis_down, ResilientRedisCache)

    assert redis_down.get("key", "default") == "default"
    assert redis_down.get_or_set("key", 42) == 42
    assert redis_down.get_many(["a", "b"]) == {}
    assert redis_down.add("key", 1) is False
    assert redis_down.has_key("key") is False
    redis_down.set("key", 1)
    redis_down.set_many({"a": 1})
    redis_down.delete("key")
    redis_down.delete_many(["a"])
    redis_down.touch("key")
    redis_down.clear()


@pytest.mark.django_db
def test_public_pages_are_served_from_the_database_when_redis_is_down(redis_down):
    """Home, article and search pages answer 200 with the story, not a 500."""
    article = published_article(title="Jembatan Pulau Balang dibuka kembali")
    client = Client()

    for path in ("/", article.get_absolute_url(), "/cari/?q=balang"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert article.get_absolute_url() in response.text, path
