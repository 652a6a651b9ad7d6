"""Devices in the admin, through Django's test client: permissions, confirmation,
bulk revocation and the audit trail (the browser story is in tests/browser)."""

import json

import pytest

from oauth_ext.audit.models import AuditEntry
from oauth_ext.client_instances.models import ClientInstance

CHANGELIST = "/admin/oauth_ext/clientinstance/"


@pytest.fixture
def alice_devices(enroll, django_user_model):
    alice = django_user_model.objects.create_user("alice", password="pw")
    devices = enroll(alice, "laptop", "phone")
    return {label: ClientInstance.objects.get(application__client_id=d.client_id) for label, d in devices.items()}


def test_non_staff_and_staff_without_permission_get_nothing(client, alice_devices, make_staff, django_user_model):
    laptop = alice_devices["laptop"]
    client.force_login(django_user_model.objects.get(username="alice"))
    assert client.get(CHANGELIST).status_code == 302  # to the admin login
    assert client.post(f"{CHANGELIST}{laptop.pk}/revoke/", {"confirm": "yes"}).status_code == 302
    client.force_login(make_staff("viewer", "oauth_ext.view_clientinstance"))
    listing = client.get(CHANGELIST).content.decode()
    assert "laptop" in listing and "Revoke this device" not in listing and "Revoke a software release" not in listing
    assert client.post(f"{CHANGELIST}{laptop.pk}/revoke/", {"confirm": "yes"}).status_code == 403
    assert client.get(f"{CHANGELIST}revoke-release/").status_code == 403
    client.force_login(make_staff("nobody"))
    assert client.get(CHANGELIST).status_code == 403
    laptop.refresh_from_db()
    assert laptop.revoked_at is None and not AuditEntry.objects.exists()


def test_the_confirmation_page_changes_nothing_until_confirmed(client, alice_devices, make_staff):
    laptop = alice_devices["laptop"]
    client.force_login(make_staff("helpdesk", "oauth_ext.view_clientinstance", "oauth_ext.change_clientinstance"))
    page = client.get(f"{CHANGELIST}{laptop.pk}/revoke/").content.decode()
    assert "1 access token</strong> and <strong>1 refresh token" in page and "alice: phone" in page
    assert client.post(f"{CHANGELIST}{laptop.pk}/revoke/", {}).status_code == 200
    laptop.refresh_from_db()
    assert laptop.revoked_at is None
    response = client.post(f"{CHANGELIST}{laptop.pk}/revoke/", {"confirm": "yes"})
    assert response.status_code == 302 and response["Location"].endswith(f"?user__id__exact={laptop.user_id}")
    laptop.refresh_from_db()
    assert laptop.revoked_at is not None
    entry = AuditEntry.objects.get()
    assert (entry.actor_repr, entry.action, entry.target_id) == ("helpdesk", "client_instance.revoke", str(laptop.pk))
    assert entry.before == {"revoked_at": None, "access_tokens": 1, "refresh_tokens": 1}
    assert entry.after["access_tokens"] == 0 and entry.after["revoked_at"]
    # Revoking again changes nothing and logs nothing.
    client.post(f"{CHANGELIST}{laptop.pk}/revoke/", {"confirm": "yes"})
    assert AuditEntry.objects.count() == 1


def test_bulk_revocation_of_selected_devices_confirms_first(client, alice_devices, make_staff):
    client.force_login(make_staff("helpdesk", "oauth_ext.view_clientinstance", "oauth_ext.change_clientinstance"))
    selected = [str(i.pk) for i in alice_devices.values()]
    form = {"action": "revoke_selected", "_selected_action": selected}
    response = client.post(CHANGELIST, form)
    assert response.status_code == 200 and "Yes, revoke 2 devices" in response.content.decode()
    assert ClientInstance.objects.active().count() == 2
    response = client.post(CHANGELIST, {**form, "confirm": "yes"})
    assert response.status_code == 302
    assert ClientInstance.objects.active().count() == 0
    assert AuditEntry.objects.filter(action="client_instance.revoke").count() == 2


def test_a_release_is_revoked_and_others_are_not(client, alice_devices, make_staff, vendor, install):
    newer = install(vendor, "desktop")
    ClientInstance.objects.filter(application__client_id=newer.client_id).update(software_version="1.3")
    client.force_login(make_staff("helpdesk", "oauth_ext.view_clientinstance", "oauth_ext.change_clientinstance"))
    listing = client.get(f"{CHANGELIST}revoke-release/").content.decode()
    assert "Revoke all 2" in listing and "Revoke all 1" in listing
    url = f"{CHANGELIST}revoke-release/?software_id=mail-app&software_version=1.2"
    assert "Yes, revoke 2 devices" in client.get(url).content.decode()
    client.post(url, {"confirm": "yes"})
    assert list(ClientInstance.objects.active().values_list("software_version", flat=True)) == ["1.3"]


def test_editing_a_device_is_audited_with_before_and_after(client, alice_devices, make_staff):
    phone = alice_devices["phone"]
    client.force_login(make_staff("helpdesk", "oauth_ext.view_clientinstance", "oauth_ext.change_clientinstance"))
    form = {"user": phone.user_id, "device_label": "work phone", "client_name": phone.client_name, "platform": "",
            "scope": json.dumps(phone.scope)}
    response = client.post(f"{CHANGELIST}{phone.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="client_instance.change")
    assert (entry.actor_repr, entry.before, entry.after) == ("helpdesk", {"device_label": "phone"}, {"device_label": "work phone"})


def test_the_list_shows_what_admins_need(client, alice_devices, make_staff):
    client.force_login(make_staff("helpdesk", "oauth_ext.view_clientinstance", "oauth_ext.change_clientinstance"))
    user_id = alice_devices["laptop"].user_id
    page = client.get(f"{CHANGELIST}?user__id__exact={user_id}").content.decode()
    assert "Devices of alice" in page
    for text in ("laptop", "phone", "Mail 1.2", "1 access, 1 refresh", "active", "Revoke this device"):
        assert text in page


def test_a_device_page_offers_revocation_and_no_deletion(client, alice_devices, make_staff):
    laptop = alice_devices["laptop"]
    client.force_login(make_staff("helpdesk", "oauth_ext.view_clientinstance", "oauth_ext.change_clientinstance",
                                  "oauth_ext.delete_clientinstance"))
    page = client.get(f"{CHANGELIST}{laptop.pk}/change/").content.decode()
    assert f"{CHANGELIST}{laptop.pk}/revoke/" in page and "Delete" not in page
    # Deleting the row would leave the client_id working: only revocation stops a device.
    assert client.post(f"{CHANGELIST}{laptop.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ClientInstance.objects.filter(pk=laptop.pk).exists()
