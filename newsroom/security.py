"""Browser-facing defences: the Content Security Policy and the throttled login backend.

Content Security Policy: one header per response, stricter on the public site.

The public pages load only their own script and stylesheet files, so their
policy allows no inline script or style at all: a story body that slipped past
the sanitiser still cannot run code. The admin keeps inline styles, which
Django's admin widgets and the rich-text editor set in their markup. Its
scripts too must come from our own files; the one inline block it needs, the
rich-text editor's import map (JSON naming module files, no code), is allowed
by its hash, page by page.
"""

import base64
import hashlib
import re

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.backends import ModelBackend

IMPORT_MAP = re.compile(rb'<script type="importmap"[^>]*>(.*?)</script>', re.DOTALL)


def _hash_source(content):
    digest = hashlib.sha256(content).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def render_policy(directives):
    """``{"script-src": ["'self'"], ...}`` as a header value."""
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


class ContentSecurityPolicyMiddleware:
    """Set ``Content-Security-Policy`` from ``CSP_PUBLIC`` or, under ``/admin/``, ``CSP_ADMIN``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" in response:
            return response
        if not request.path.startswith(settings.CSP_ADMIN_PATH):
            response["Content-Security-Policy"] = render_policy(settings.CSP_PUBLIC)
            return response
        directives = dict(settings.CSP_ADMIN)
        if not response.streaming and response.get("Content-Type", "").startswith("text/html"):
            maps = IMPORT_MAP.findall(response.content)
            directives["script-src"] = [*directives["script-src"], *map(_hash_source, maps)]
        response["Content-Security-Policy"] = render_policy(directives)
        return response


class ThrottledModelBackend(AxesStandaloneBackend, ModelBackend):
    """Django's ``ModelBackend`` that first asks django-axes whether the login is locked out.

    One backend rather than axes' pair, so that ``User.objects.with_perm()``
    (which needs to know the backend) keeps working. Raises ``PermissionDenied``
    (which ``authenticate()`` turns into a failed login) while locked out.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        # Axes' own backend only checks the lockout (raising) and never logs anyone in.
        AxesStandaloneBackend.authenticate(self, request, username, password, **kwargs)
        return ModelBackend.authenticate(self, request, username, password, **kwargs)


def client_ip(request):
    """The visitor's address for login throttling.

    Behind nginx every request comes from 127.0.0.1, which would make the lockout
    per user name only (anyone could lock an editor out). nginx sets X-Real-IP
    (deploy/nginx.conf); it is trusted only when BEHIND_PROXY says a proxy is there,
    since a client talking to gunicorn directly could forge it.
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_REAL_IP", "").strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR")
