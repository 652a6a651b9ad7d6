"""The example project with DEBUG off: an unhandled error reaches the console with
its traceback (``django.request``), not only the admins' mailbox."""

import io
import logging

import pytest


@pytest.mark.urls("tests.example_project.urls")
def test_a_500_traceback_reaches_the_console(client, settings, db):
    settings.DEBUG = False
    console = next(h for h in logging.getLogger("django.request").handlers if isinstance(h, logging.StreamHandler))
    stream = io.StringIO()
    previous = console.setStream(stream)
    try:
        client.raise_request_exception = False
        response = client.get("/fail/")
    finally:
        console.setStream(previous)
    assert response.status_code == 500
    logged = stream.getvalue()
    assert "Internal Server Error: /fail/" in logged
    assert "Traceback (most recent call last)" in logged and "RuntimeError: unhandled failure for the logging test" in logged


def test_the_console_stays_quiet_for_a_4xx(client, settings, db):
    settings.DEBUG = False
    console = next(h for h in logging.getLogger("django.request").handlers if isinstance(h, logging.StreamHandler))
    stream = io.StringIO()
    previous = console.setStream(stream)
    try:
        response = client.post("/o/token/", {"grant_type": "client_credentials"})
    finally:
        console.setStream(previous)
    assert response.status_code in (400, 401)
    assert stream.getvalue() == ""
