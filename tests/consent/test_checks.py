"""System checks of the consent settings."""

import pytest

from oauth_ext.checks import check_configuration


def ids():
    return sorted(message.id for message in check_configuration())


def test_the_example_projects_mail_services_are_clean(mail_app):
    assert ids() == []


@pytest.mark.parametrize("known", [{"not a uri": {}}, {"imap://mail.example.com": {"scopes": "mail"}},
                                   {"https://dav.example.com/#x": {}}, ["imap://mail.example.com"]])
def test_e011_known_resources(settings, known):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "RESOURCES": {"KNOWN": known}}
    assert ids() == ["oauth_ext.E011"]


@pytest.mark.parametrize("types", [{"payment": {"fields": "actions"}}, {"": None}, ["payment"]])
def test_e012_authorization_details_types(settings, types):
    settings.OAUTH_EXT = {**settings.OAUTH_EXT, "AUTHORIZATION_DETAILS": {"TYPES": types}}
    assert ids() == ["oauth_ext.E012"]
