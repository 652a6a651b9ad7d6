"""System checks of the mode: where stateless tokens would silently not work."""

from oauth_ext.checks import check_configuration


def ids():
    return sorted(message.id for message in check_configuration())


def test_jwt_validation_with_the_status_list_is_clean():
    assert ids() == []


def test_w040_without_the_status_list(settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "STATUS_LIST": {"ENABLED": False}}
    assert ids() == ["oauth_ext.W040"]


def test_w041_this_sites_apis_look_tokens_up_in_dots_table(settings):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "RESOURCE_SERVER": {"TOKEN_VALIDATION": "database"}}
    assert ids() == ["oauth_ext.W041"]
