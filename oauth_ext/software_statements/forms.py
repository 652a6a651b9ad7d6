"""The publisher's policy as form widgets: checkboxes for the closed lists (grant
types, authentication methods, redirect URI forms), plain text for the open ones
(scopes, software ids), each with a help text, stored in the model's JSON lists."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db import models

from ..client_auth import registry
from .models import SoftwarePublisher, default_auth_methods, default_grant_types, default_redirect_forms

GRANT_TYPES = [
    ("authorization_code", "authorization_code: a user signs in and approves the app"),
    ("refresh_token", "refresh_token: the app keeps access without asking again"),
    ("client_credentials", "client_credentials: the app acts as itself, no user (services, not installed apps)"),
]
REDIRECT_FORMS = [
    ("https", "https: a web address the vendor controls"),
    ("loopback", "loopback: http://127.0.0.1:<port>/ on the device (desktop apps, RFC 8252 §7.3)"),
    ("private_use", "private_use: a reverse-domain scheme such as com.example.app:/ (mobile apps, RFC 8252 §7.1)"),
]


CHOICES = forms.CheckboxSelectMultiple(attrs={"class": "oauth-ext-choices"})


def auth_methods() -> list[tuple[str, str]]:
    return [(name, name) for name in dict.fromkeys([*registry.method_names(), "none"])]


def https_urls(field: models.Field, **kwargs: Any) -> forms.Field | None:
    """A key URL typed without a scheme is https (as the trust stores' admins have it)."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class WordListField(forms.CharField):
    """A list of words typed as text, separated by spaces, commas or new lines."""

    def prepare_value(self, value: Any) -> Any:
        return " ".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]  # a CharField's text as its words
        return list(dict.fromkeys(w for w in re.split(r"[\s,]+", super().to_python(value) or "") if w))


class SoftwarePublisherForm(forms.ModelForm):
    software_ids = WordListField(
        required=False, label="Software IDs",
        help_text="The software_id values this publisher may vouch for, separated by spaces; empty: any of its software.")
    scope_ceiling = WordListField(
        required=False, label="Scope ceiling",
        help_text="The most its software may get, separated by spaces (e.g. \"mail contacts\"); scopes above it are "
                  "dropped at registration. Empty: every scope this server knows.")
    allowed_grant_types = forms.MultipleChoiceField(
        choices=GRANT_TYPES, widget=CHOICES, label="Allowed grant types", initial=default_grant_types,
        help_text="What its software may register for; at least authorization_code or client_credentials.")
    redirect_uri_forms = forms.MultipleChoiceField(
        choices=REDIRECT_FORMS, widget=CHOICES, label="Redirect URI forms", required=False,
        initial=default_redirect_forms,
        help_text="Where codes may be sent back to (RFC 8252 §7). A consent is shared silently with a new device only "
                  "for an https address the statement lists.")
    allowed_auth_methods = forms.MultipleChoiceField(
        choices=auth_methods, widget=CHOICES, label="Allowed client authentication methods",
        initial=default_auth_methods,
        help_text="token_endpoint_auth_method values its instances may register; private_key_jwt lets each "
                  "installation prove its own key.")

    class Meta:
        model = SoftwarePublisher
        fields = "__all__"
        formfield_callback = staticmethod(https_urls)

    def clean_allowed_grant_types(self) -> list[str]:
        grants = self.cleaned_data["allowed_grant_types"]
        if not {"authorization_code", "client_credentials"} & set(grants):
            raise forms.ValidationError("Choose authorization_code or client_credentials (refresh_token alone grants nothing).")
        return grants
