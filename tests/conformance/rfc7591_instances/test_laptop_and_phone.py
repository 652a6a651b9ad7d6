"""The whole story: a vendor signs a statement, IT trusts the vendor, a user's laptop
and phone each register and get tokens; the laptop is lost and revoked; the phone
keeps working."""

import hashlib
from io import StringIO

import pytest
from django.core.management import call_command

from oauth_ext.client_instances.models import ClientInstance
from oauth_ext.client_instances.services import instance_revoked
from oauth_ext.status_list.models import StatusEntry

from ...conftest import basic_auth


@pytest.fixture
def story(enroll, django_user_model):
    alice = django_user_model.objects.create_user("alice", password="pw")
    return alice, enroll(alice, "laptop", "phone")


def introspect(client, make_client, token):
    rs = make_client(None, hash_client_secret=False)
    return client.post("/o/introspect/", {"token": token}, **basic_auth(rs.client_id, rs.secret)).json()


def test_each_install_is_its_own_client_bound_to_the_user(story):
    alice, devices = story
    instances = ClientInstance.objects.filter(application__client_id__in=[d.client_id for d in devices.values()])
    assert {i.device_label for i in instances} == {"laptop", "phone"}
    assert all(i.user == alice and i.last_used_at and i.software_id == "mail-app" for i in instances)


@pytest.mark.parametrize("how", ["service", "command", "self-service"])
def test_revoking_the_laptop_leaves_the_phone(story, client, make_client, token_request, how, django_capture_on_commit_callbacks):
    alice, devices = story
    laptop, phone = devices["laptop"], devices["phone"]
    seen = []
    instance_revoked.connect(lambda sender, instance, **kw: seen.append(instance.application.client_id), weak=False,
                             dispatch_uid="test-story")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            if how == "service":
                from oauth_ext.client_instances.services import revoke_instance

                revoke_instance(ClientInstance.objects.get(application__client_id=laptop.client_id))
            elif how == "command":
                call_command("oauth_ext_revoke_instance", laptop.client_id, stdout=StringIO())
            else:
                client.force_login(alice)
                listed = client.get("/o/devices/").json()
                laptop_row = next(d for d in listed if d["client_id"] == laptop.client_id)
                assert client.post(f"/o/devices/{laptop_row['id']}/revoke").json()["active"] is False
                client.logout()
    finally:
        instance_revoked.disconnect(dispatch_uid="test-story")
    assert seen == [laptop.client_id]

    # The laptop: its access token is dead, its refresh token too, its key no longer authenticates.
    assert introspect(client, make_client, laptop.tokens["access_token"]) == {"active": False}
    status, body, _ = token_request({"grant_type": "refresh_token", "refresh_token": laptop.tokens["refresh_token"], **laptop.auth()})
    assert (status, body["error"]) == (401, "invalid_client")
    checksum = hashlib.sha256(laptop.tokens["access_token"].encode()).hexdigest()
    assert StatusEntry.objects.get(token_checksum=checksum).status == 1  # and the status list says so

    # The phone: untouched.
    assert introspect(client, make_client, phone.tokens["access_token"])["active"] is True
    status, body, _ = token_request({"grant_type": "refresh_token", "refresh_token": phone.tokens["refresh_token"], **phone.auth()})
    assert status == 200, body


def test_a_user_cannot_revoke_someone_elses_device(story, client, django_user_model):
    _, devices = story
    mallory = django_user_model.objects.create_user("mallory", password="pw")
    client.force_login(mallory)
    assert client.get("/o/devices/").json() == []
    instance = ClientInstance.objects.get(application__client_id=devices["phone"].client_id)
    assert client.post(f"/o/devices/{instance.pk}/revoke").status_code == 404
    client.logout()
    assert client.get("/o/devices/").status_code == 403


def test_a_revoked_instance_cannot_start_an_authorization(story, client):
    alice, devices = story
    from oauth_ext.client_instances.services import revoke_instance

    revoke_instance(ClientInstance.objects.get(application__client_id=devices["laptop"].client_id))
    client.force_login(alice)
    response = client.get("/o/authorize/", {"response_type": "code", "client_id": devices["laptop"].client_id,
                                            "redirect_uri": "http://127.0.0.1/callback", "code_challenge": "x" * 43,
                                            "code_challenge_method": "S256"})
    assert response.status_code == 400  # DOT's error page: no redirect for an unknown client


def test_scope_ceiling_holds_at_the_token_endpoint(story, token_request):
    _, devices = story
    phone = devices["phone"]
    status, body, _ = token_request({"grant_type": "refresh_token", "refresh_token": phone.tokens["refresh_token"],
                                     "scope": "read introspection", **phone.auth()})
    assert status == 400 and body["error"] == "invalid_scope"


def test_pruning(vendor, install):
    import datetime

    from django.utils import timezone

    from oauth_ext.client_instances.services import prune

    unused = install(vendor, "old tablet")
    ClientInstance.objects.filter(application__client_id=unused.client_id).update(
        created_at=timezone.now() - datetime.timedelta(days=30))
    fresh = install(vendor, "new phone")
    assert prune() == 1
    assert not ClientInstance.objects.filter(application__client_id=unused.client_id).exists()
    assert ClientInstance.objects.filter(application__client_id=fresh.client_id).exists()
    assert prune() == 0  # idempotent
