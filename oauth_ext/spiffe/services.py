"""Trust domain bundles (refresh, key lookup) and JWT-SVID verification (-02 §3.1, §6)."""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.core.cache import caches
from django.utils import timezone

from ..conf import app_settings
from ..core import fetch, jose, trust
from ..core.errors import InvalidClient, InvalidRequest
from ..core.time_claims import Clock, clock_skew, is_numeric_date
from . import bundles, ids
from .models import SpiffeTrustDomain

# SPIFFE JWT-SVID §3: "Validators receiving a token with the alg parameter set to a
# different value MUST reject the token."
JWT_SVID_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512"})
JWT_SVID_TYPES = (None, "JWT", "JOSE")


def refresh(domain: SpiffeTrustDomain) -> SpiffeTrustDomain:
    """Fetch the domain's bundle endpoint now and keep the bundle if it is usable and
    not older than the one held (``spiffe_sequence``)."""
    if not domain.bundle_endpoint:
        return domain
    try:
        document = fetch.fetch_json(domain.bundle_endpoint)
    except fetch.FetchError as exc:
        raise bundles.BundleError(f"bundle endpoint of {domain}: {exc}") from exc
    bundles.parse(document)
    sequence = document.get("spiffe_sequence")
    sequence = sequence if isinstance(sequence, int) and not isinstance(sequence, bool) else None
    if sequence is not None and domain.spiffe_sequence is not None and sequence < domain.spiffe_sequence:
        raise bundles.BundleError(f"bundle of {domain} is older ({sequence}) than the one held ({domain.spiffe_sequence})")
    domain.bundle, domain.spiffe_sequence, domain.refreshed_at = document, sequence, timezone.now()
    domain.save(update_fields=["bundle", "spiffe_sequence", "refreshed_at", "updated_at"])
    return domain


def refresh_all() -> int:
    """Refresh every enabled domain with a bundle endpoint; failures are logged."""
    return trust.refresh_all(SpiffeTrustDomain.objects.enabled().exclude(bundle_endpoint=""), refresh, (bundles.BundleError,))


def domain_of(spiffe_id: object) -> SpiffeTrustDomain | None:
    """The enabled, configured trust domain of ``spiffe_id``: never one derived from the token."""
    name = ids.trust_domain(spiffe_id)
    return SpiffeTrustDomain.objects.enabled().filter(trust_domain=name).first() if name else None


def current_bundle(domain: SpiffeTrustDomain, *, refetch: bool = False) -> bundles.Bundle:
    """The domain's bundle; fetched when none is held yet, or (``refetch``) at most
    once per ``REFETCH_INTERVAL`` when a key is unknown."""
    guard = f"oauth_ext:spiffe:refetch:{domain.pk}"
    if domain.bundle_endpoint and (
        domain.bundle is None
        or (refetch and caches[app_settings.JWKS_FETCH.CACHE].add(guard, 1, app_settings.SPIFFE.REFETCH_INTERVAL))
    ):
        refresh(domain)
    if domain.bundle is None:
        raise bundles.BundleError(f"no bundle for {domain}")
    return bundles.parse(domain.bundle)



def unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        return jose.unverified(token, max_bytes=app_settings.CLIENT_AUTH.ASSERTION_MAX_BYTES)
    except jose.JOSEError as exc:
        raise InvalidRequest("client_assertion is not a valid JWT", reason=str(exc)) from exc


def verify_jwt_svid(token: str, *, now: float | None = None) -> dict[str, Any]:
    """The claims of a JWT-SVID valid for this server (-02 §3.1 steps 1-4)."""
    now = time.time() if now is None else now
    header, unverified_claims = unverified(token)
    if header.get("typ") not in JWT_SVID_TYPES:
        raise InvalidClient(reason=f"typ {header.get('typ')!r} is not a JWT-SVID")
    alg = header["alg"]
    if alg not in JWT_SVID_ALGORITHMS:
        raise InvalidClient(reason=f"alg {alg!r} is not a JWT-SVID algorithm")
    if keys := jose.HEADER_KEY_MEMBERS & header.keys():
        raise InvalidClient(reason=f"keys in the JWT-SVID header are not trusted: {sorted(keys)}")
    sub = unverified_claims.get("sub")
    domain = domain_of(sub)
    if domain is None:
        raise InvalidClient(reason=f"SPIFFE ID {sub!r} is not of a trusted trust domain")  # §6
    try:
        try:
            key = jose.select_key(current_bundle(domain).jwt_keys, kid=header.get("kid"), alg=alg)
        except jose.KeyNotFound:
            key = jose.select_key(current_bundle(domain, refetch=True).jwt_keys, kid=header.get("kid"), alg=alg)
        _, claims = jose.verify_jws(token, key=jose.load_public_jwk(key), algorithms={alg},
                                    max_bytes=app_settings.CLIENT_AUTH.ASSERTION_MAX_BYTES)  # §3.1 (4)
    except (jose.JOSEError, bundles.BundleError) as exc:
        raise InvalidClient(reason=f"JWT-SVID of {domain}: {exc}") from exc
    conf = app_settings.SPIFFE
    exp, iat, nbf = claims.get("exp"), claims.get("iat"), claims.get("nbf")
    clock = Clock(now=now, skew=clock_skew("SPIFFE"))
    if not is_numeric_date(exp) or clock.expired(exp):  # §3.1 (1), (2)
        raise InvalidClient(reason="JWT-SVID without exp, or expired")
    aud = claims.get("aud")
    audiences = [aud] if isinstance(aud, str) else aud
    if not (isinstance(audiences, list) and audiences == [app_settings.issuer]):  # §3.1 (3): the issuer, sole value
        raise InvalidClient(reason=f"JWT-SVID aud {aud!r} is not this issuer alone")
    if clock.in_future(iat) or clock.in_future(nbf):
        raise InvalidClient(reason="JWT-SVID not yet valid")
    if exp - (iat if is_numeric_date(iat) else now) > conf.JWT_SVID_MAX_LIFETIME:
        raise InvalidClient(reason=f"JWT-SVID lifetime exceeds {conf.JWT_SVID_MAX_LIFETIME}s")
    return claims


def verify_x509_svid(certificate: Any, *, now: float | None = None) -> str:
    """The SPIFFE ID of an X.509-SVID issued by its trust domain's bundle (-02 §3.2):
    one URI SAN, a leaf with digitalSignature, signed directly by a bundle authority;
    never validated against the system trust store (§6.2.3)."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature

    extensions = certificate.extensions
    try:
        uris = extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(
            x509.UniformResourceIdentifier)
        constraints = extensions.get_extension_for_class(x509.BasicConstraints).value
        usage = extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound as exc:
        raise InvalidClient(reason=f"not an X.509-SVID: {exc}") from exc
    if len(uris) != 1 or ids.trust_domain(uris[0]) is None:  # (2)
        raise InvalidClient(reason="an X.509-SVID has exactly one URI SAN, a SPIFFE ID")
    if constraints.ca or not usage.digital_signature:  # (3), (4)
        raise InvalidClient(reason="an X.509-SVID is a leaf with the digitalSignature key usage")
    moment = datetime.datetime.fromtimestamp(time.time() if now is None else now, tz=datetime.UTC)
    if not certificate.not_valid_before_utc <= moment <= certificate.not_valid_after_utc:
        raise InvalidClient(reason="X.509-SVID outside its validity period")
    domain = domain_of(uris[0])
    if domain is None:
        raise InvalidClient(reason=f"SPIFFE ID {uris[0]!r} is not of a trusted trust domain")
    try:
        authorities = current_bundle(domain).x509_authorities
    except bundles.BundleError as exc:
        raise InvalidClient(reason=str(exc)) from exc
    for authority in authorities:  # (1): path validation against the bundle only
        try:
            certificate.verify_directly_issued_by(authority)
        except (ValueError, TypeError, InvalidSignature):
            continue
        if authority.not_valid_before_utc <= moment <= authority.not_valid_after_utc:
            return uris[0]
    raise InvalidClient(reason=f"X.509-SVID not issued by the bundle of {domain}")
