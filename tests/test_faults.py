"""When the database cannot be reached, readers get a clean 503 page, never a traceback."""

import socket

import psycopg
import pytest
from django.db import OperationalError
from django.test import RequestFactory

from articles import views


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def connection_error():
    """The error Django raises when PostgreSQL is down (here: a port nobody listens on)."""
    try:
        psycopg.connect(f"postgresql://postgres@127.0.0.1:{closed_port()}/x", connect_timeout=1)
    except psycopg.OperationalError as error:
        return OperationalError(*error.args)
    pytest.fail("a closed port accepted a connection")


def test_a_database_outage_is_a_503_asking_to_retry():
    """The error handler answers 503 with Retry-After and the site's own explanation."""
    request = RequestFactory().get("/")
    try:
        raise connection_error()
    except OperationalError:
        response = views.server_error(request)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    text = response.content.decode()
    assert "Situs sedang tidak dapat diakses sebentar" in text
    assert "Traceback" not in text and "OperationalError" not in text


def test_any_other_error_is_still_a_500():
    """Only the database being unreachable is temporary; a bug stays a 500."""
    request = RequestFactory().get("/")
    try:
        raise ValueError("bug")
    except ValueError:
        response = views.server_error(request)

    assert response.status_code == 500
    assert "Situs sedang tidak dapat diakses sebentar" not in response.content.decode()
