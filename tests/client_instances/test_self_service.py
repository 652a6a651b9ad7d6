"""My devices for people (HTML, content-negotiated at the API's address): a
confirmation page that changes nothing, a POST with CSRF, an audit entry with the
user as actor; another user's device is not found."""

import pytest
from django.test import Client

from oauth_ext.audit.models import AuditEntry
from oauth_ext.client_instances.models import ClientInstance

HTML = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture
def laptop(enroll, django_user_model):
    alice = django_user_model.objects.create_user("alice", password="pw")
    device = enroll(alice, "laptop")["laptop"]
    return ClientInstance.objects.get(application__client_id=device.client_id)


def test_the_page_asks_first_and_checks_csrf(laptop):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(laptop.user)
    url = f"/o/devices/{laptop.pk}/revoke"
    page = browser.get(url, **HTML)
    assert page.status_code == 200 and "Revoke laptop?" in page.content.decode() and page["Vary"].count("Accept")
    assert ClientInstance.objects.get(pk=laptop.pk).revoked_at is None
    assert browser.post(url, **HTML).status_code == 403  # no CSRF token
    assert ClientInstance.objects.get(pk=laptop.pk).revoked_at is None and not AuditEntry.objects.exists()
    done = browser.post(url, {"csrfmiddlewaretoken": page.context["csrf_token"]}, **HTML)
    assert done.status_code == 302 and done["Location"] == "/o/devices/"
    assert ClientInstance.objects.get(pk=laptop.pk).revoked_at is not None
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.target_id) == (laptop.user, "client_instance.revoke", str(laptop.pk))
    assert entry.before["access_tokens"] == 1 and entry.after["access_tokens"] == 0


def test_another_users_device_is_not_found_and_stays(laptop, client, django_user_model):
    client.force_login(django_user_model.objects.create_user("mallory", password="pw"))
    url = f"/o/devices/{laptop.pk}/revoke"
    assert client.get(url, **HTML).status_code == 404
    assert client.post(url, **HTML).status_code == 404
    assert ClientInstance.objects.get(pk=laptop.pk).revoked_at is None


def test_the_json_api_records_the_user_as_actor(laptop, client):
    client.force_login(laptop.user)
    answer = client.post(f"/o/devices/{laptop.pk}/revoke")
    assert (answer.status_code, answer["Content-Type"], answer.json()["active"]) == (200, "application/json", False)
    assert AuditEntry.objects.get(action="client_instance.revoke").actor == laptop.user
    again = client.post(f"/o/devices/{laptop.pk}/revoke", **HTML)
    assert again.status_code == 302 and AuditEntry.objects.count() == 1  # already revoked: nothing more logged
