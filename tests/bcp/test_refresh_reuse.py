"""RFC 9700 §4.14.2: a refresh token used again after rotation revokes its whole family
(DOT's REFRESH_TOKEN_REUSE_PROTECTION, on in the example project), and the status list
follows: the family's access tokens are INVALID."""

from oauth2_provider.settings import oauth2_settings

from oauth_ext.status_list.encoding import INVALID, VALID

from .flows import Application, access_token_exists, redeem, refresh, refresh_token_revoked, status_of


def test_reuse_after_rotation_revokes_the_family(make_client, authorize, token_request, django_user_model,
                                                 django_capture_on_commit_callbacks):
    assert oauth2_settings.REFRESH_TOKEN_REUSE_PROTECTION and oauth2_settings.ROTATE_REFRESH_TOKEN
    registered = make_client(grant=Application.GRANT_AUTHORIZATION_CODE)
    alice = django_user_model.objects.create_user("alice", password="pw")
    status, first = redeem(token_request, registered, authorize(registered, alice))
    assert status == 200, first
    status, second = refresh(token_request, registered, first["refresh_token"])
    assert status == 200, second
    status, third = refresh(token_request, registered, second["refresh_token"])
    assert status == 200, third
    assert status_of(third["access_token"]) == VALID

    with django_capture_on_commit_callbacks(execute=True):
        status, reused = refresh(token_request, registered, first["refresh_token"])  # a stolen, rotated-out token
    assert (status, reused["error"]) == (400, "invalid_grant")
    assert refresh_token_revoked(third["refresh_token"]) and not access_token_exists(third["access_token"])
    assert status_of(third["access_token"]) == INVALID
    status, legit = refresh(token_request, registered, third["refresh_token"])  # the family is over for everyone
    assert (status, legit["error"]) == (400, "invalid_grant")


def test_other_families_survive(make_client, authorize, token_request, django_user_model):
    registered = make_client(grant=Application.GRANT_AUTHORIZATION_CODE)
    alice = django_user_model.objects.create_user("alice", password="pw")
    status, laptop = redeem(token_request, registered, authorize(registered, alice))
    assert status == 200, laptop
    status, phone = redeem(token_request, registered, authorize(registered, alice))
    assert status == 200, phone
    status, rotated = refresh(token_request, registered, laptop["refresh_token"])
    assert status == 200, rotated
    status, reused = refresh(token_request, registered, laptop["refresh_token"])
    assert (status, reused["error"]) == (400, "invalid_grant")
    assert status_of(phone["access_token"]) == VALID and not refresh_token_revoked(phone["refresh_token"])
    status, body = refresh(token_request, registered, phone["refresh_token"])
    assert status == 200, body
