"""When a consent given on one device is shared silently with another.

A software statement is public: any local app can present it with a loopback or
private-use redirect URI and so become "the same software". Sharing a consent with
such an instance without asking would hand the user's account to whoever copied the
statement. ``OAUTH_EXT["CONSENT"]["REUSE_POLICY"]`` names the policy class; when it
answers False the user sees the short "new device" confirmation instead of nothing.
A policy answers ``shares(grant=..., application=..., user=..., redirect_uri=...)``.
"""

from __future__ import annotations

import functools
from typing import Any

from django.utils.module_loading import import_string

from ..client_instances.services import instance_of
from ..clients.models import ClientProfile
from ..core import jose

#: Methods whose proof comes from the platform or vendor, not from the public statement.
ATTESTED_METHODS = frozenset({"attest_jwt_client_auth", "attest_jwt_client_auth_dpop"})


class ProvenInstance:
    """The default: share silently with a device the user already confirmed, or with a
    new one that proves more than the statement: it authenticates with a client
    attestation, or the code goes to an https redirect URI its publisher signed."""

    def shares(self, *, grant: Any, application: Any, user: Any, redirect_uri: str) -> bool:
        instance = instance_of(application)
        if instance is None or grant.application_id == application.pk or instance.user_id == user.pk:
            return True
        if ClientProfile.objects.filter(application=application, token_endpoint_auth_method__in=ATTESTED_METHODS).exists():
            return True
        return self.vouched_https(instance, redirect_uri)

    @staticmethod
    def vouched_https(instance: Any, redirect_uri: str) -> bool:
        """An https redirect URI listed in the publisher's signed statement (verified
        when the instance registered): only the vendor's web origin receives the code."""
        if instance.publisher is None or "https" not in instance.publisher.redirect_uri_forms:
            return False
        if not instance.software_statement or not redirect_uri.startswith("https://"):
            return False
        _, claims = jose.unverified(instance.software_statement, max_bytes=len(instance.software_statement))
        return redirect_uri in claims.get("redirect_uris", [])


class AlwaysShare:
    """Every instance of the same software shares the consent silently (trusts the
    public statement alone; for sites whose publishers ship only web clients)."""

    def shares(self, *, grant: Any, application: Any, user: Any, redirect_uri: str) -> bool:
        return True


@functools.lru_cache(maxsize=4)
def load(path: str) -> Any:
    return import_string(path)()
