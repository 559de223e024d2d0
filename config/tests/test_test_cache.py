"""The tests' cache: Redis when REDIS_URL says so, and clearing it spares everyone else's keys."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache

from conftest import clear_test_cache

uses_redis = settings.CACHES["default"]["BACKEND"].endswith("RedisCache")


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="only when REDIS_URL is set")
def test_the_suite_uses_redis_when_redis_url_is_set():
    assert uses_redis
    assert settings.CACHES["default"]["LOCATION"] == os.environ["REDIS_URL"]


@pytest.mark.skipif(not uses_redis, reason="the Redis pass only")
def test_clearing_the_test_cache_spares_other_keys_in_the_same_redis_database():
    client = cache._cache.get_client(write=True)
    client.set("someone-else:page", b"kept")
    cache.set("article-page:1", b"test copy")
    try:
        clear_test_cache()

        assert client.get("someone-else:page") == b"kept"
        assert cache.get("article-page:1") is None
    finally:
        client.delete("someone-else:page")


@pytest.mark.skipif(uses_redis, reason="the local-memory pass only")
def test_clearing_the_local_memory_cache_empties_it():
    cache.set("article-page:1", b"test copy")

    clear_test_cache()

    assert cache.get("article-page:1") is None
