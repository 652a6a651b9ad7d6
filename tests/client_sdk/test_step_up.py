"""The client helper reacts to each step-up authorization challenge of the example
API over HTTP: it obtains the authorization asked for, retries, reuses a token by
``authorization_reference``, and stops instead of looping."""

import json

import pytest
import requests
from oauth2_provider.models import get_application_model

from oauth_ext.client_sdk.step_up import StepUp, StepUpAuth, StepUpFailed

from ..resource_server.test_step_up import ORDER, PAYMENT_DETAIL

Application = get_application_model()


@pytest.fixture
def payer(live_server, make_client, authorize, token_request, django_user_model, settings):
    """A public app and its user; ``obtain`` runs a RAR authorization (the user allows)."""
    app = make_client("none", grant=Application.GRANT_AUTHORIZATION_CODE, client_type=Application.CLIENT_PUBLIC)
    user = django_user_model.objects.create_user("payer", password="pw")
    asked: list[StepUp] = []

    def token(**extra):
        status, body, _ = token_request(authorize(app, user, **extra))
        assert status == 200, body
        return body["access_token"]

    def obtain(step_up):
        asked.append(step_up)
        return token(authorization_details=json.dumps(step_up.authorization_details))

    def pay(auth, order=ORDER):
        return requests.post(f"{live_server.url}/api/payments/", json=order, auth=auth, timeout=30)

    def style(value):
        settings.OAUTH_EXT = {**settings.OAUTH_EXT, "RESOURCE_SERVER": {"STEP_UP_CHALLENGE": value}}

    return token, obtain, pay, style, asked


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("value", "status"), [("requested_authorization", 403), ("insufficient_authorization", 403),
                                           ("authorization_remediation", 401)])
def test_the_helper_obtains_what_is_asked_and_pays(payer, value, status):
    token, obtain, pay, style, asked = payer
    style(value)
    general = token()
    paid = pay(StepUpAuth(general, obtain))
    assert paid.status_code == 201, paid.text
    assert paid.json()["payment"] == PAYMENT_DETAIL
    assert [(s.status, s.error, s.authorization_details) for s in asked] == [
        (status, value if value == "requested_authorization" else "insufficient_authorization", [PAYMENT_DETAIL])]


@pytest.mark.django_db(transaction=True)
def test_a_token_is_reused_by_its_reference(payer):
    token, obtain, pay, style, asked = payer
    style("authorization_remediation")
    general = token()
    auth = StepUpAuth(general, obtain)
    assert pay(auth).status_code == 201
    auth.access_token = general  # routine calls go on with the general token
    assert pay(auth).status_code == 201
    assert len(asked) == 1  # the second payment reused the token kept for its reference
    auth.access_token = general
    assert pay(auth, order={**ORDER, "amount": "2.00"}).status_code == 201
    assert len(asked) == 2  # another payment, another reference: a new authorization


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("value", ["requested_authorization", "insufficient_authorization", "authorization_remediation"])
def test_no_loop_when_the_new_token_is_refused_too(payer, value):
    token, _, pay, style, _ = payer
    style(value)
    general = token()
    obtained = []
    with pytest.raises(StepUpFailed):
        pay(StepUpAuth(general, lambda step_up: obtained.append(step_up) or token()))
    assert len(obtained) == 1
