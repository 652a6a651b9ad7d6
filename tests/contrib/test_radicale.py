"""Radicale (CalDAV and CardDAV, from PyPI) with our auth plugin: each service is a
Radicale application mounted at its resource's path, and takes only its own tokens."""

from __future__ import annotations

import shutil
import tempfile
import threading
import wsgiref.simple_server
from pathlib import Path

import pytest
import requests

from ..conftest import Device

pytestmark = pytest.mark.django_db(transaction=True)

CARDDAV, CALDAV = "https://dav.example.com/carddav", "https://dav.example.com/caldav"
VCARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bob\r\nFN:Bob Example\r\nN:Example;Bob;;;\r\nEND:VCARD\r\n"
EVENT = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:lunch\r\nDTSTAMP:20260101T120000Z\r\n"
         "DTSTART:20260102T120000Z\r\nSUMMARY:Lunch\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
MKADDRESSBOOK = ('<?xml version="1.0"?><mkcol xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><set><prop>'
                 "<resourcetype><collection/><C:addressbook/></resourcetype></prop></set></mkcol>")


class _Quiet(wsgiref.simple_server.WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def dav(settings):
    """Radicale for CardDAV at /carddav and CalDAV at /caldav, each with its own storage."""
    import radicale
    from radicale import config

    from example_project.settings import MAIL_RESOURCES

    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "RESOURCES": {"KNOWN": MAIL_RESOURCES}}
    root = Path(tempfile.mkdtemp(prefix="oauth-ext-radicale-"))
    apps = {}
    for mount in ("/carddav", "/caldav"):
        configuration = config.load()
        configuration.update({"auth": {"type": "oauth_ext.contrib.radicale", "delay": "0"},
                              "storage": {"filesystem_folder": str(root / mount.strip("/"))},
                              "rights": {"type": "owner_only"}}, "test", privileged=True)
        apps[mount] = radicale.Application(configuration)

    def dispatch(environ, start_response):
        path = environ.get("PATH_INFO", "")
        for mount, app in apps.items():
            if path == mount or path.startswith(mount + "/"):
                environ["SCRIPT_NAME"], environ["PATH_INFO"] = mount, path[len(mount):] or "/"
                return app(environ, start_response)
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not here"]

    server = wsgiref.simple_server.make_server("127.0.0.1", 0, dispatch, handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def dav_tokens(dav, mail_app, install, authorize, token_request, django_user_model):
    """alice's tokens: one for CardDAV (contacts), one for CalDAV (calendar)."""
    alice = django_user_model.objects.create_user("alice", password="pw")
    device: Device = install(mail_app)
    exchange = authorize(device, alice, redirect_uri="http://127.0.0.1/callback", scope="contacts calendar",
                         resource=[CARDDAV, CALDAV])
    del exchange["client_id"]
    tokens = {}
    status, first, _ = token_request({**exchange, "resource": CARDDAV, **device.auth()})
    assert status == 200, first
    tokens[CARDDAV] = first["access_token"]
    status, body, _ = token_request({"grant_type": "refresh_token", "refresh_token": first["refresh_token"],
                                     "resource": CALDAV, **device.auth()})
    assert status == 200, body
    tokens[CALDAV] = body["access_token"]
    return tokens


def call(method, url, token=None, body=None, **headers):
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return requests.request(method, url, data=body, headers=headers, timeout=30)


def test_a_contacts_token_reads_the_address_book_and_not_the_calendar(dav, dav_tokens):
    contacts, calendar = dav_tokens[CARDDAV], dav_tokens[CALDAV]
    book = f"{dav}/carddav/alice/contacts/"
    assert call("MKCOL", book, contacts, MKADDRESSBOOK, **{"Content-Type": "application/xml"}).status_code == 201
    assert call("PUT", f"{book}bob.vcf", contacts, VCARD, **{"Content-Type": "text/vcard"}).status_code == 201
    read = call("GET", f"{book}bob.vcf", contacts)
    assert read.status_code == 200 and "FN:Bob Example" in read.text
    # The calendar token is not for CardDAV, and the contacts token is not for CalDAV.
    for method, url, token in (("GET", f"{book}bob.vcf", calendar), ("PROPFIND", f"{dav}/caldav/alice/", contacts)):
        refused = call(method, url, token, Depth="0")
        assert refused.status_code == 401, (method, url, refused.status_code)
        assert refused.headers["WWW-Authenticate"].startswith("Basic")


def test_a_calendar_token_reads_the_calendar_and_not_the_address_book(dav, dav_tokens):
    contacts, calendar = dav_tokens[CARDDAV], dav_tokens[CALDAV]
    cal = f"{dav}/caldav/alice/calendar/"
    assert call("MKCALENDAR", cal, calendar).status_code == 201
    assert call("PUT", f"{cal}lunch.ics", calendar, EVENT, **{"Content-Type": "text/calendar"}).status_code == 201
    read = call("GET", f"{cal}lunch.ics", calendar)
    assert read.status_code == 200 and "SUMMARY:Lunch" in read.text
    assert call("GET", f"{cal}lunch.ics", contacts).status_code == 401
    assert call("PROPFIND", f"{dav}/carddav/alice/", calendar, Depth="0").status_code == 401


def test_passwords_and_other_users_are_refused(dav, dav_tokens, django_user_model):
    calendar = dav_tokens[CALDAV]
    basic = requests.request("PROPFIND", f"{dav}/caldav/alice/", auth=("alice", "pw"), headers={"Depth": "0"}, timeout=30)
    assert basic.status_code == 401
    assert call("PROPFIND", f"{dav}/caldav/alice/", "not-a-token", Depth="0").status_code == 401
    # alice's token signs in alice, who cannot read bob's collections (owner_only).
    assert call("PROPFIND", f"{dav}/caldav/bob/", calendar, Depth="0").status_code == 403
