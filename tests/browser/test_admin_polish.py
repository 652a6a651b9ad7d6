"""The admin at a laptop's size (1366×900) in Chromium: publisher policy as widgets,
what a statement test drops, the device list and a revoked device's page, the user
admin's links. Screenshots go to var/screenshots/admin-*.png."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from oauth_ext.client_instances.models import ClientInstance
from oauth_ext.client_instances.services import revoke_instance
from oauth_ext.core import jose
from oauth_ext.software_statements.models import SoftwarePublisher

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def laptop_screen(page):
    page.set_viewport_size({"width": 1366, "height": 900})

    def shoot(name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"admin-{name}-1366.png", full_page=True)

    return shoot


def test_publisher_policy_is_checkboxes_and_text_with_help(page, log_in, laptop_screen, make_staff):
    key = jose.public_jwk(jose.private_key_to_jwk(jose.generate_private_key("ES256")))
    make_staff("it", "oauth_ext.view_softwarepublisher", "oauth_ext.add_softwarepublisher")
    log_in("it")
    page.goto("/admin/oauth_ext/softwarepublisher/add/")
    page.fill("#id_name", "Example Apps")
    page.fill("#id_issuer", "https://apps.example.net")
    page.fill("#id_jwks", json.dumps({"keys": [key]}))
    page.fill("#id_software_ids", "mail-app, notes")
    page.fill("#id_scope_ceiling", "read write")
    expect(page.locator("#id_scope_ceiling_helptext")).to_contain_text("scopes above it are dropped")
    grants = page.locator("#id_allowed_grant_types")
    expect(grants.get_by_role("checkbox")).to_have_count(3)
    grants.get_by_role("checkbox", name=re.compile("^authorization_code")).uncheck()
    page.locator("#id_redirect_uri_forms").get_by_role("checkbox", name=re.compile("^private_use")).uncheck()
    laptop_screen("publisher-form")
    page.get_by_role("button", name="Save", exact=True).click()

    # refresh_token alone grants nothing: said in words, next to the field.
    expect(page.locator(".errorlist")).to_contain_text("Choose authorization_code or client_credentials")
    expect(page.locator("#content")).not_to_contain_text("Enter a valid JSON")
    assert not SoftwarePublisher.objects.exists()
    page.locator("#id_allowed_grant_types").get_by_role("checkbox", name=re.compile("^authorization_code")).check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    saved = SoftwarePublisher.objects.get()
    assert (saved.software_ids, saved.scope_ceiling) == (["mail-app", "notes"], ["read", "write"])
    assert saved.allowed_grant_types == ["authorization_code", "refresh_token"]
    assert saved.redirect_uri_forms == ["https", "loopback"] and saved.allowed_auth_methods == ["private_key_jwt"]


def test_a_statement_test_says_what_would_be_dropped(page, log_in, laptop_screen, vendor, make_staff):
    make_staff("it", "oauth_ext.view_softwarepublisher")
    log_in("it")
    page.goto("/admin/oauth_ext/softwarepublisher/test-statement/")
    page.fill("#id_statement", vendor.statement(scope="read write admin", tos_color="blue"))
    page.get_by_role("button", name="Check").click()
    result = page.locator("#statement-result")
    expect(result).to_contain_text("Accepted.")
    expect(result).to_contain_text("scope admin: above the publisher's scope ceiling")
    expect(result).to_contain_text("claim tos_color: not client metadata this server keeps")
    expect(result).to_contain_text("scope: read write")
    laptop_screen("test-statement-dropped")


def test_the_device_list_fits_a_laptop_and_tells_unnamed_devices_apart(page, log_in, laptop_screen, enroll, install, vendor,
                                                                        make_staff, django_user_model):
    alice = django_user_model.objects.create_user("alice", password="pw")
    enroll(alice, "laptop")
    first, second = install(vendor, "", platform="Android"), install(vendor, "")
    make_staff("helpdesk", "oauth_ext.view_clientinstance", "oauth_ext.change_clientinstance")
    log_in("helpdesk")
    page.goto("/admin/oauth_ext/clientinstance/")
    headers = page.locator("#result_list thead")
    for column in ("platform", "client_id"):
        expect(headers).to_contain_text(column, ignore_case=True)
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(3)
    unnamed = rows.filter(has_text="(no label)")
    expect(unnamed).to_have_count(2)
    expect(unnamed.filter(has_text=first.client_id[:8])).to_contain_text("Android")
    expect(unnamed.filter(has_text=second.client_id[:8])).to_have_count(1)
    for link in rows.get_by_role("link", name="Revoke this device").all():
        box = link.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 1366  # reachable without scrolling sideways
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    table = page.evaluate("(() => { const r = document.querySelector('#changelist .results'); return [r.scrollWidth, r.clientWidth]; })()")
    assert table[0] <= table[1], f"the device table scrolls sideways: {table}"  # every column in view
    laptop_screen("devices")


def test_a_revoked_device_page_says_so_and_is_read_only(page, log_in, laptop_screen, enroll, make_staff, django_user_model):
    alice = django_user_model.objects.create_user("alice", password="pw")
    device = enroll(alice, "laptop")["laptop"]
    instance = ClientInstance.objects.get(application__client_id=device.client_id)
    make_staff("helpdesk", "oauth_ext.view_clientinstance", "oauth_ext.change_clientinstance")
    log_in("helpdesk")
    page.goto(f"/admin/oauth_ext/clientinstance/{instance.pk}/change/")
    expect(page.locator("#id_device_label")).to_be_editable()  # active: editable
    revoke_instance(instance)
    page.reload()
    expect(page.locator("#revoked-notice")).to_contain_text("Revoked")
    expect(page.locator("#id_device_label")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("Save"))).to_have_count(0)
    expect(page.get_by_role("link", name="Revoke this device")).to_have_count(0)
    laptop_screen("revoked-device")


def test_the_user_admin_leads_to_a_users_devices_and_consents(page, log_in, laptop_screen, enroll, make_staff,
                                                              django_user_model):
    alice = django_user_model.objects.create_user("alice", password="pw")
    enroll(alice, "laptop", "phone")
    make_staff("helpdesk", "auth.view_user", "oauth_ext.view_clientinstance", "oauth_ext.view_consentgrant")
    log_in("helpdesk")
    page.goto("/admin/auth/user/")
    page.locator("#result_list tbody tr", has_text="alice").get_by_role("link", name="devices").click()
    expect(page.locator("h1")).to_have_text("Devices of alice")
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    page.goto(f"/admin/auth/user/{alice.pk}/change/")
    links = page.locator(".field-oauth_ext_devices_and_consents")
    expect(links).to_contain_text("2 device(s), 2 active")
    laptop_screen("user-links")
    links.get_by_role("link", name=re.compile("consent")).click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list tbody tr")).to_contain_text("alice")
