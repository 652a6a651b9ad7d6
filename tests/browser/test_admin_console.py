"""The admin console as the people who run the server use it: in a browser."""

from __future__ import annotations

import json
import re
import time

import pytest
import requests
from playwright.sync_api import expect

from oauth_ext.core import jose

from ..conftest import Vendor

pytestmark = pytest.mark.django_db(transaction=True)

DEVICE_ADMIN = ("oauth_ext.view_clientinstance", "oauth_ext.change_clientinstance", "oauth_ext.view_auditentry")
TRUST_ADMIN = ("oauth_ext.view_softwarepublisher", "oauth_ext.add_softwarepublisher", "oauth_ext.change_softwarepublisher",
               "oauth_ext.view_auditentry")


def api_status(live_server, token: str) -> int:
    return requests.get(f"{live_server.url}/api/me/", headers={"Authorization": f"Bearer {token}"}, timeout=30).status_code


def test_stolen_laptop_is_revoked_and_the_phone_keeps_working(page, log_in, snap, live_server, enroll, make_staff,
                                                              django_user_model):
    alice = django_user_model.objects.create_user("alice", password="pw")
    bob = django_user_model.objects.create_user("bob", password="pw")
    devices = enroll(alice, "laptop", "phone")
    enroll(bob, "laptop")
    laptop, phone = devices["laptop"], devices["phone"]
    assert api_status(live_server, laptop.tokens["access_token"]) == 200
    make_staff("helpdesk", *DEVICE_ADMIN)

    log_in("helpdesk")
    snap("01-admin-index")
    page.get_by_role("link", name="Client instances").first.click()
    snap("02-devices")
    page.fill("#searchbar", "alice")
    page.press("#searchbar", "Enter")
    page.get_by_role("link", name="alice").first.click()
    expect(page.locator("h1")).to_have_text("Devices of alice")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)  # bob's laptop is not among them
    snap("03-devices-of-alice")

    laptop_row = rows.filter(has_text="laptop")
    expect(laptop_row).to_contain_text("Mail 1.2")
    expect(laptop_row).to_contain_text("1 access, 1 refresh")
    laptop_row.get_by_role("link", name="Revoke this device").click()

    expect(page.locator("h1")).to_have_text("Revoke laptop?")
    expect(page.locator("#content")).to_contain_text("its client_id no longer authenticates")
    expect(page.locator("#content")).to_contain_text("1 access token and 1 refresh token are revoked now")
    expect(page.locator(".oauth-ext-others")).to_contain_text("alice: phone")
    snap("04-revoke-confirmation")
    page.get_by_role("button", name="Yes, revoke this device").click()

    expect(page.locator(".messagelist")).to_contain_text("1 device(s) revoked")
    expect(rows.filter(has_text="laptop")).to_contain_text("revoked")
    expect(rows.filter(has_text="laptop")).to_contain_text("0 access, 0 refresh")
    expect(rows.filter(has_text="phone")).to_contain_text("active")
    expect(rows.filter(has_text="phone")).to_contain_text("Revoke this device")
    snap("05-after-revocation")

    # Through the API: the laptop's token is refused, the phone's still works.
    assert api_status(live_server, laptop.tokens["access_token"]) == 401
    assert api_status(live_server, phone.tokens["access_token"]) == 200

    # The audit log says who did it, and what changed.
    page.goto("/admin/oauth_ext/auditentry/")
    entry = page.locator("#result_list tbody tr").first
    expect(entry).to_contain_text("helpdesk")
    expect(entry).to_contain_text("client_instance.revoke")
    expect(entry).to_contain_text("laptop")
    expect(entry).to_contain_text("access_tokens: 1 → 0")
    snap("06-audit-log")


def test_revoking_a_vulnerable_release(page, log_in, snap, live_server, enroll, make_staff, django_user_model, vendor, register):
    alice = django_user_model.objects.create_user("alice", password="pw")
    old = enroll(alice, "laptop")["laptop"]
    status, _ = register({"software_statement": vendor.statement(software_version="1.3"), "device_label": "desktop",
                          "jwks": {"keys": [jose.public_jwk(jose.private_key_to_jwk(jose.generate_private_key("ES256")))]}})
    assert status == 201
    make_staff("helpdesk", *DEVICE_ADMIN)

    log_in("helpdesk")
    page.goto("/admin/oauth_ext/clientinstance/")
    page.get_by_role("link", name="Revoke a software release").click()
    snap("07-revoke-release")
    page.locator("tr", has_text="1.2").get_by_role("link", name="Revoke all 1").click()
    expect(page.locator("h1")).to_have_text("Revoke every device running mail-app 1.2?")
    page.get_by_role("button", name="Yes, revoke this device").click()
    expect(page.locator(".messagelist")).to_contain_text("1 device(s) revoked")
    expect(page.locator("tr", has_text="1.2")).not_to_contain_text("Revoke all")
    expect(page.locator("tr", has_text="1.3")).to_contain_text("Revoke all 1")
    assert api_status(live_server, old.tokens["access_token"]) == 401


def test_it_trusts_a_publisher_and_tests_statements(page, log_in, snap, make_staff):
    private = jose.private_key_to_jwk(jose.generate_private_key("ES256"))
    vendor = Vendor(private, publisher=None, issuer="https://apps.example.net")
    make_staff("it", *TRUST_ADMIN)

    log_in("it")
    page.get_by_role("link", name="Software publishers").first.click()
    page.get_by_role("link", name=re.compile("Add software publisher")).click()
    page.fill("#id_name", "Example Apps")
    page.fill("#id_issuer", vendor.issuer)
    page.fill("#id_jwks", json.dumps({"keys": [jose.public_jwk(private)]}))
    page.fill("#id_software_ids", "mail-app")  # plain text, not JSON
    page.fill("#id_scope_ceiling", "read")
    snap("08-publisher-add")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    row = page.locator("#result_list tbody tr", has_text="Example Apps")
    expect(row).to_contain_text(jose.jwk_thumbprint(private))
    expect(row).to_contain_text("mail-app; grants authorization_code, refresh_token; scopes read; stateful")
    snap("09-publishers")

    page.get_by_role("link", name="Test a software statement").click()
    checks = [
        (vendor.statement(scope="read"), "Accepted. Signed by Example Apps"),
        (vendor.statement(software_id="other-app"), "Refused with unapproved_software_statement"),
        (vendor.statement(exp=int(time.time()) - 3600), "Refused with invalid_software_statement"),
        (vendor.statement(grant_types=["client_credentials"]), "its metadata breaks Example Apps's policy"),
        ("not a jwt", "Refused with invalid_software_statement"),
    ]
    for number, (statement, verdict) in enumerate(checks):
        page.fill("#id_statement", statement)
        page.get_by_role("button", name="Check").click()
        expect(page.locator("#statement-result")).to_contain_text(verdict)
        snap(f"10-test-statement-{number}")
    expect(page.locator("#statement-result")).to_contain_text("Why: malformed")

    page.goto("/admin/oauth_ext/auditentry/")
    expect(page.locator("#result_list tbody tr").first).to_contain_text("software_publisher.add")

def test_a_non_staff_user_gets_nothing(page, log_in, snap, django_user_model, live_server):
    django_user_model.objects.create_user("alice", password="pw")
    log_in("alice")
    expect(page.locator(".errornote")).to_contain_text("staff account")
    snap("11-non-staff-refused")
    for url in ("/admin/oauth_ext/clientinstance/", "/admin/oauth_ext/softwarepublisher/test-statement/",
                "/admin/oauth_ext/auditentry/"):
        page.goto(url)
        expect(page).to_have_url(re.compile(r"/admin/login/"))


def test_status_lists_show_what_is_served(page, log_in, snap, enroll, make_staff, django_user_model):
    alice = django_user_model.objects.create_user("alice", password="pw")
    enroll(alice, "laptop", "phone")
    make_staff("ops", "oauth_ext.view_statuslist", "oauth_ext.change_statuslist")

    log_in("ops")
    page.get_by_role("link", name="Status lists").first.click()
    row = page.locator("#result_list tbody tr").first
    expect(row).to_contain_text("2")  # tokens with an entry
    page.locator("#result_list tbody input[type=checkbox]").first.check()
    page.select_option("select[name=action]", "rebuild_now")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("1 status list(s) rebuilt.")
    expect(row).not_to_contain_text("never")  # last rebuild and served exp are set
    snap("12-status-lists")


def test_a_users_consent_is_withdrawn_and_its_tokens_die(page, log_in, snap, live_server, enroll, make_staff,
                                                         django_user_model):
    alice = django_user_model.objects.create_user("alice", password="pw")
    bob = django_user_model.objects.create_user("bob", password="pw")
    devices = enroll(alice, "laptop", "phone")  # one consent: the same software on both
    bobs = enroll(bob, "laptop")["laptop"]
    make_staff("privacy", "oauth_ext.view_consentgrant", "oauth_ext.change_consentgrant", "oauth_ext.view_auditentry")

    log_in("privacy")
    page.get_by_role("link", name="Consent grants").first.click()
    page.fill("#searchbar", "alice")
    page.press("#searchbar", "Enter")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Mail")
    snap("13-consents-of-alice")
    rows.first.locator("input[type=checkbox]").check()
    page.select_option("select[name=action]", "withdraw")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("1 consent(s) withdrawn")
    expect(rows.first).to_contain_text("withdrawn")
    snap("14-consent-withdrawn")

    for device in devices.values():
        assert api_status(live_server, device.tokens["access_token"]) == 401
    assert api_status(live_server, bobs.tokens["access_token"]) == 200
    page.goto("/admin/oauth_ext/auditentry/")
    expect(page.locator("#result_list tbody tr").first).to_contain_text("consent.withdraw")


def test_it_trusts_an_attester(page, log_in, snap, make_staff):
    key = jose.public_jwk(jose.private_key_to_jwk(jose.generate_private_key("ES256")))
    make_staff("it", "oauth_ext.view_attester", "oauth_ext.add_attester", "oauth_ext.change_attester",
               "oauth_ext.view_auditentry")

    log_in("it")
    page.get_by_role("link", name="Client attesters").first.click()
    page.get_by_role("link", name=re.compile("Add client attester")).click()
    page.fill("#id_name", "Platform attestation service")
    page.fill("#id_jwks", json.dumps({"keys": [key]}))
    page.fill("#id_software_ids", '["mail-app"]')
    page.get_by_role("button", name="Save", exact=True).click()
    row = page.locator("#result_list tbody tr", has_text="Platform attestation service")
    expect(row).to_contain_text(jose.jwk_thumbprint(key))
    expect(row).to_contain_text("software mail-app")
    snap("15-attesters")
    row.locator("input[type=checkbox]").check()
    page.select_option("select[name=action]", "disable")
    page.get_by_role("button", name="Go").click()
    page.goto("/admin/oauth_ext/auditentry/")
    expect(page.locator("#result_list tbody tr").first).to_contain_text("attester.disable")
    expect(page.locator("#result_list tbody")).to_contain_text("attester.add")
