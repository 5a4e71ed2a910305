"""A Redis cache that degrades to no cache at all when Redis is down.

Django's ``RedisCache`` raises on a refused or timed-out connection, which
would turn a cache outage into a 500 on every page. Here each cache call that
cannot reach Redis is logged and answered as a miss (reads) or ignored
(writes), so the site keeps serving pages from the database and picks the
cache up again as soon as Redis is back.
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)

OUTAGE_ERRORS = (ConnectionError, TimeoutError)


def _missing(*args, **kwargs):
    return None


def _on_outage(method, fallback):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except OUTAGE_ERRORS as error:
            logger.warning("Cache unavailable, serving without it: %s", error)
            return fallback(*args, **kwargs)

    return wrapper


class ResilientRedisCache(RedisCache):
    """``RedisCache`` whose calls survive a Redis outage (see the module docstring)."""


# What each call answers when Redis cannot be reached: a miss, nothing stored.
_FALLBACKS = {
    "get": lambda key, default=None, version=None: default,
    "get_many": lambda keys, version=None: {},
    "has_key": lambda key, version=None: False,
    "add": lambda *args, **kwargs: False,
    "set": _missing,
    "set_many": lambda data, *args, **kwargs: list(data),
    "touch": lambda *args, **kwargs: False,
    "delete": lambda *args, **kwargs: False,
    "delete_many": _missing,
    "clear": lambda: False,
}
for _name, _fallback in _FALLBACKS.items():
    setattr(ResilientRedisCache, _name, _on_outage(getattr(RedisCache, _name), _fallback))
