"""Whole-page caching of the public site, and its one invalidation switch.

Public pages are kept in the configured cache (Redis in production) under a
*generation*. ``purge_public_pages()`` ends the generation, so no page
rendered before it is served again; the old entries simply expire. A
generation also ends on its own when the next scheduled article goes public,
so a schedule is honoured to the second without any background job.

Only anonymous visitors are served from the cache. A request that carries the
session cookie (staff are the only ones with a session: readers never log in)
always reaches the view and gets a response nobody may cache. Served pages get
an ``ETag`` and ``Cache-Control`` for browsers and a CDN or nginx in front, so a
repeat visit costs a 304 and a cached one not a single SQL query.
"""

import hashlib
import time
import uuid
from datetime import UTC, datetime
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db.models import Min
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
)
from django.utils.http import parse_http_date_safe

from articles.models import Article

STATE_KEY = "public-pages:state"
# How long a page may stay in our cache; a purge ends it sooner.
PAGE_TIMEOUT = 15 * 60
# How long browsers and shared caches (nginx, a CDN) may reuse a page without
# asking: short, because they cannot be purged when a story is corrected.
BROWSER_MAX_AGE = 60
SHARED_MAX_AGE = 60
STORED_STATUSES = (200, 410)
# Headers a view sets that belong to the page; the rest is added per request by middleware.
STORED_HEADERS = ("Content-Type", "Content-Language", "Last-Modified", "X-Robots-Tag", "Link")


def purge_public_pages():
    """Stop serving every cached public page: call after commit when public content changes.

    Publishing, unpublishing, retracting, a correction, an edit of a published
    story and any tag, section or official change all make cached pages stale.
    """
    cache.delete(STATE_KEY)


def current_generation():
    """The cache generation in force: ``(id, expires_at)``, expires_at a POSIX time or None."""
    state = cache.get(STATE_KEY)
    now = time.time()
    if state is None or (state[1] is not None and now >= state[1]):
        state = (uuid.uuid4().hex, _next_publication_time(now))
        cache.set(STATE_KEY, state, timeout=None)
    return state


def _next_publication_time(now):
    """When the next scheduled article becomes public (``published()`` decides by time)."""
    moment = datetime.fromtimestamp(now, tz=UTC)
    upcoming = (
        Article.objects.published(now=datetime.max.replace(tzinfo=UTC))
        .filter(published_at__gt=moment)
        .aggregate(first=Min("published_at"))["first"]
    )
    return upcoming.timestamp() if upcoming else None


def _seconds_left(generation, limit):
    expires_at = generation[1]
    if expires_at is None:
        return limit
    return max(0, min(limit, int(expires_at - time.time())))


def remember(name, compute):
    """``compute()``, kept in the cache until the next purge: shared page parts such as the menu."""
    generation = current_generation()
    key = f"public-value:{generation[0]}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=_seconds_left(generation, PAGE_TIMEOUT))
    return value


def is_staff_request(request):
    """Staff carry a session cookie; readers never do (the public site sets no cookie)."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def public_page(view=None, *, query_params=("halaman",)):
    """Decorate a public GET view so that anonymous visitors are served from the cache.

    The page is rendered in the site's language whatever the browser asks for, and
    cached per path and the listed ``query_params`` (others, such as tracking
    parameters, do not split the cache).
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD") or is_staff_request(request):
                response = _render(view, request, *args, **kwargs)
                add_never_cache_headers(response)
                return response
            generation = current_generation()
            key = _page_key(generation, request, query_params)
            entry = cache.get(key)
            if entry is None:
                response = _render(view, request, *args, **kwargs)
                if not _storable(response):
                    return response
                entry = _entry(response)
                timeout = _seconds_left(generation, PAGE_TIMEOUT)
                if timeout:
                    cache.set(key, entry, timeout=timeout)
            return _serve(request, entry, generation)

        return wrapper

    return decorator(view) if view is not None else decorator


def _render(view, request, *args, **kwargs):
    with translation.override(settings.LANGUAGE_CODE):
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
    response["Content-Language"] = settings.LANGUAGE_CODE
    return response


def _page_key(generation, request, query_params):
    query = "&".join(f"{name}={request.GET.get(name, '')}" for name in query_params)
    # Pages hold absolute URLs (canonical, Open Graph), so the host is part of the key.
    page = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    digest = hashlib.sha256(page.encode()).hexdigest()
    return f"public-page:{generation[0]}:{digest}"


def _storable(response):
    return (
        response.status_code in STORED_STATUSES
        and not response.streaming
        and not response.cookies
        and not response.has_header("Cache-Control")
    )


def _entry(response):
    content = response.content
    return {
        "status": response.status_code,
        "content": content,
        "headers": {name: response[name] for name in STORED_HEADERS if response.has_header(name)},
        "etag": f'"{hashlib.sha256(content).hexdigest()[:32]}"',
    }


def _serve(request, entry, generation):
    response = HttpResponse(entry["content"], status=entry["status"])
    for name, value in entry["headers"].items():
        response[name] = value
    response["ETag"] = entry["etag"]
    max_age = _seconds_left(generation, BROWSER_MAX_AGE)
    patch_cache_control(
        response,
        public=True,
        max_age=max_age,
        s_maxage=_seconds_left(generation, SHARED_MAX_AGE),
    )
    if entry["status"] != 200:
        return response
    last_modified = parse_http_date_safe(entry["headers"].get("Last-Modified", ""))
    return get_conditional_response(
        request, etag=entry["etag"], last_modified=last_modified, response=response
    )
