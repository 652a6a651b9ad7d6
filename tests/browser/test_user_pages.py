"""The pages ordinary users see, in a browser: signing in, the consent page (and
its new-device variant), My devices and My permissions. Each page is checked for
basic accessibility and photographed at 1366 and 390 px into var/screenshots/."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
import requests
from playwright.sync_api import expect

from oauth_ext.audit.models import AuditEntry
from oauth_ext.client_instances.models import ClientInstance
from oauth_ext.consent.models import ConsentGrant

pytestmark = pytest.mark.django_db(transaction=True)

CALLBACK = "http://127.0.0.1/callback"


def api_status(live_server, token: str) -> int:
    return requests.get(f"{live_server.url}/api/me/", headers={"Authorization": f"Bearer {token}"}, timeout=30).status_code


def authorize_url(device) -> str:
    return "/o/authorize/?" + urlencode({"response_type": "code", "client_id": device.client_id, "redirect_uri": CALLBACK,
                                         "scope": "read", "state": "s1", "code_challenge": "x" * 43,
                                         "code_challenge_method": "S256"})


@pytest.fixture
def callback(page):
    """The app's loopback redirect URI, answered in the browser: the codes it got."""
    codes: list[str] = []

    def answer(route):
        codes.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<title>app</title><main>signed in</main>")

    page.route(re.compile(r"^http://127\.0\.0\.1/callback.*"), answer)
    return codes


def test_a_user_signs_in_and_allows_an_app_and_the_wrong_person_can_switch(page, sign_in, accessible, screenshots, vendor,
                                                                           install, django_user_model, callback):
    django_user_model.objects.create_user("alice", password="pw")
    django_user_model.objects.create_user("bob", password="pw")
    laptop = install(vendor, "laptop", platform="Linux")

    page.goto(authorize_url(laptop))
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))  # not the admin's login
    expect(page.locator("h1")).to_have_text("Sign in")
    accessible()
    screenshots("sign-in")
    sign_in("alice", url="")

    facts = page.locator("#consent-facts")
    expect(page.locator("h1")).to_have_text("Allow Mail to use your account?")
    expect(page).to_have_title(re.compile("Allow Mail"))
    expect(facts).to_contain_text("alice")
    expect(facts).to_contain_text("Mail 1.2")
    expect(facts).to_contain_text("Vendor")
    expect(facts).to_contain_text("laptop (Linux)")
    accessible()
    screenshots("consent")

    # Not alice at this keyboard: sign out, sign in as bob, same request.
    page.get_by_role("button", name="Sign in as someone else").click()
    expect(page.locator("h1")).to_have_text("Sign in")
    sign_in("bob", url="")
    expect(page.locator("#consent-facts")).to_contain_text("bob")
    page.get_by_role("button", name="Allow").click()
    expect(page.locator("main")).to_have_text("signed in")
    assert len(callback) == 1 and "code=" in callback[0]
    assert ConsentGrant.objects.get().user.get_username() == "bob"


def test_a_new_device_of_software_already_allowed_asks_to_confirm(page, sign_in, accessible, screenshots, vendor, install,
                                                                  enroll, django_user_model, callback):
    alice = django_user_model.objects.create_user("alice", password="pw")
    enroll(alice, "laptop")
    phone = install(vendor, "phone", platform="Android")

    sign_in("alice")
    page.goto(authorize_url(phone))
    expect(page.locator("h1")).to_have_text("Allow Mail on phone too?")
    expect(page.locator("#consent-new-device")).to_contain_text("You already allowed Mail on another device")
    expect(page.locator("#consent-facts")).to_contain_text("phone (Android)")
    assert callback == []  # no code without the confirmation
    accessible()
    screenshots("consent-new-device")
    page.get_by_role("button", name="Allow").click()
    expect(page.locator("main")).to_have_text("signed in")
    assert len(callback) == 1 and "code=" in callback[0]


def test_my_devices_revokes_a_lost_laptop_after_confirmation(page, sign_in, accessible, screenshots, live_server, enroll,
                                                             django_user_model):
    alice = django_user_model.objects.create_user("alice", password="pw")
    devices = enroll(alice, "laptop", "phone")
    unnamed = ClientInstance.objects.get(application__client_id=devices["phone"].client_id)

    sign_in("alice")
    expect(page).to_have_url(re.compile(r"/o/devices/$"))  # LOGIN_REDIRECT_URL
    expect(page.locator("h1")).to_have_text("My devices")
    cards = page.locator(".oe-device")
    expect(cards).to_have_count(2)
    laptop = cards.filter(has_text="laptop")
    for shown in ("Mail 1.2", "Active", "Added", "Last used"):
        expect(laptop).to_contain_text(shown)
    accessible()
    screenshots("my-devices")

    laptop.get_by_role("link", name="Revoke laptop…").click()
    expect(page.locator("h1")).to_have_text("Revoke laptop?")
    accessible()
    screenshots("my-devices-revoke-confirmation")
    assert ClientInstance.objects.get(pk=unnamed.pk).revoked_at is None
    assert not ClientInstance.objects.filter(revoked_at__isnull=False).exists()  # the page itself changes nothing
    page.get_by_role("button", name="Yes, revoke this device").click()

    expect(page.locator(".oe-messages")).to_contain_text("laptop is revoked")
    expect(cards.filter(has_text="laptop")).to_contain_text("Revoked")
    expect(cards.filter(has_text="laptop").get_by_role("link")).to_have_count(0)
    expect(cards.filter(has_text="phone")).to_contain_text("Active")
    screenshots("my-devices-after-revocation")

    assert api_status(live_server, devices["laptop"].tokens["access_token"]) == 401
    assert api_status(live_server, devices["phone"].tokens["access_token"]) == 200
    entry = AuditEntry.objects.get(action="client_instance.revoke")
    assert entry.actor == alice and entry.target_id == str(
        ClientInstance.objects.get(application__client_id=devices["laptop"].client_id).pk)


def test_my_permissions_withdraws_a_consent_after_confirmation(page, sign_in, accessible, screenshots, live_server, enroll,
                                                               django_user_model):
    alice = django_user_model.objects.create_user("alice", password="pw")
    devices = enroll(alice, "laptop", "phone")

    sign_in("alice")
    page.get_by_role("link", name="My permissions").click()
    expect(page.locator("h1")).to_have_text("My permissions")
    card = page.locator(".oe-consent")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Mail")
    expect(card).to_contain_text("Active")
    accessible()
    screenshots("my-permissions")

    card.get_by_role("link", name="Withdraw Mail…").click()
    expect(page.locator("h1")).to_have_text("Withdraw Mail's permission?")
    assert ConsentGrant.objects.get().is_active
    accessible()
    screenshots("my-permissions-withdraw-confirmation")
    page.get_by_role("button", name="Yes, withdraw").click()

    expect(page.locator(".oe-messages")).to_contain_text("You withdrew Mail's permission")
    expect(card).to_contain_text("Withdrawn")
    screenshots("my-permissions-after-withdrawal")
    assert ConsentGrant.objects.get().ended == "withdrawn"
    for device in devices.values():
        assert api_status(live_server, device.tokens["access_token"]) == 401
    assert AuditEntry.objects.get(action="consent.withdraw").actor == alice

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    page.goto("/o/consents/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/o/consents/$"))


def test_an_anonymous_visitor_is_sent_to_sign_in_and_apps_still_get_json(page, live_server, enroll, django_user_model):
    alice = django_user_model.objects.create_user("alice", password="pw")
    laptop = enroll(alice, "laptop")["laptop"]
    instance = ClientInstance.objects.get(application__client_id=laptop.client_id)
    for url in ("/o/devices/", "/o/consents/", f"/o/devices/{instance.pk}/revoke"):
        page.goto(url)
        expect(page).to_have_url(re.compile(r"/accounts/login/\?next=" + re.escape(url) + "$"))
    # An app (no Accept, or JSON) keeps the API's answers.
    for accept in (None, "application/json"):
        answer = requests.get(f"{live_server.url}/o/devices/", headers={"Accept": accept} if accept else {}, timeout=30)
        assert (answer.status_code, answer.headers["Content-Type"]) == (403, "application/json")
    assert ClientInstance.objects.get(pk=instance.pk).revoked_at is None


def test_the_accessibility_check_catches_what_it_looks_for(page, accessible):
    page.set_content('<html><head><title>t</title></head><body><header>h</header><main>'
                     '<p style="color:#999;background:#fff">faint text</p></main></body></html>')
    with pytest.raises(AssertionError, match="contrast"):
        accessible()
    page.set_content('<html><head><title>t</title></head><body><header>h</header><main>'
                     '<input type="text" name="who"></main></body></html>')
    with pytest.raises(AssertionError, match="without a label"):
        accessible()
