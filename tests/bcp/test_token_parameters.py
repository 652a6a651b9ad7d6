"""RFC 6749 §3.2: a token-endpoint parameter sent twice is refused, ``scope`` included,
for every grant, and nothing is issued or used up."""

from urllib.parse import urlencode

from oauth2_provider.models import get_access_token_model

from .flows import Application, redeem, refresh


def test_repeated_scope_with_client_credentials(make_client, client):
    registered = make_client()
    form = registered.form()
    response = client.post("/o/token/", f"grant_type=client_credentials&scope=read&scope=write&{urlencode(form)}",
                           content_type="application/x-www-form-urlencoded")
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")
    assert not get_access_token_model().objects.filter(application=registered.app).exists()


def test_repeated_scope_with_a_code_and_a_refresh_token(make_client, authorize, token_request, client, django_user_model):
    registered = make_client(grant=Application.GRANT_AUTHORIZATION_CODE)
    exchange = authorize(registered, django_user_model.objects.create_user("alice", password="pw"))
    data = {k: v for k, v in exchange.items() if k != "client_id"}
    response = client.post("/o/token/", f"{urlencode({**data, **registered.form()})}&scope=read&scope=write",
                           content_type="application/x-www-form-urlencoded")
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")
    status, tokens = redeem(token_request, registered, exchange)  # the code was not used up
    assert status == 200, tokens
    response = client.post("/o/token/", urlencode({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
                                                 **registered.form()}) + "&scope=read&scope=read",
                           content_type="application/x-www-form-urlencoded")
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")
    status, body = refresh(token_request, registered, tokens["refresh_token"])  # nor the refresh token
    assert status == 200, body

