"""Login throttling keys on the visitor's real address, and only trusts a proxy when told to."""

from django.test import RequestFactory

from newsroom.security import client_ip


def request_from(remote, real_ip=None):
    headers = {"REMOTE_ADDR": remote}
    if real_ip:
        headers["HTTP_X_REAL_IP"] = real_ip
    return RequestFactory().post("/admin/login/", **headers)


def test_behind_nginx_the_forwarded_address_counts(settings):
    settings.BEHIND_PROXY = True

    assert client_ip(request_from("127.0.0.1", "203.0.113.9")) == "203.0.113.9"
    assert client_ip(request_from("127.0.0.1")) == "127.0.0.1"


def test_without_a_proxy_a_forged_header_is_ignored(settings):
    settings.BEHIND_PROXY = False

    assert client_ip(request_from("198.51.100.7", "203.0.113.9")) == "198.51.100.7"
