"""A feature switched off has no URL: its endpoints are 404s and vanish from metadata."""

import pytest
from django.urls import NoReverseMatch, reverse
from oauth2_provider.models import get_application_model

from oauth_ext.client_instances.models import ClientInstance
from oauth_ext.par.models import PushedRequest

Application = get_application_model()


def switch(settings, section: str, on: bool) -> None:
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, section: {**settings.OAUTH_EXT.get(section, {}), "ENABLED": on}}


def metadata(client) -> dict:
    return client.get("/o/.well-known/oauth-authorization-server").json()


def test_par_switched_off_is_unrouted(make_client, client, settings):
    registered = make_client(grant=Application.GRANT_AUTHORIZATION_CODE)
    switch(settings, "PAR", False)
    response = client.post("/o/par/", {"response_type": "code", "client_id": registered.client_id, **registered.form()})
    assert response.status_code == 404
    assert not PushedRequest.objects.exists()
    assert "pushed_authorization_request_endpoint" not in metadata(client)
    with pytest.raises(NoReverseMatch):
        reverse("oauth_ext:par")
    switch(settings, "PAR", True)
    assert metadata(client)["pushed_authorization_request_endpoint"] == "https://as.example.com/o/par/"
    again = client.post("/o/par/", {"response_type": "code"})  # routed again: refuses the incomplete request
    assert (again.status_code, again.json()["error"]) == (400, "invalid_request")


def test_registration_switched_off_is_unrouted(vendor, client, settings):
    switch(settings, "REGISTRATION", False)
    response = client.post("/o/registration/", {"software_statement": vendor.statement()}, content_type="application/json")
    assert response.status_code == 404
    assert client.get("/o/registration/some-client").status_code == 404
    assert not ClientInstance.objects.exists()
    assert "registration_endpoint" not in metadata(client)
    switch(settings, "REGISTRATION", True)
    assert metadata(client)["registration_endpoint"] == "https://as.example.com/o/registration/"


@pytest.mark.django_db
def test_routes_come_back_after_a_test_that_switched_them_off(client):
    assert reverse("oauth_ext:par") == "/o/par/" and reverse("oauth_ext:registration") == "/o/registration/"
