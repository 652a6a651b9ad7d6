"""What the features learn about one request, kept in one typed place.

The oauthlib request answers attribute lookups with its body parameters, so state
kept as attributes of it could be confused with parameters a client sent; features
keep theirs here instead, in one :class:`RequestContext` stored once on the request
(oauthlib's, or Django's where a feature works on that) and read with :func:`of`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cryptography import x509

    from .attestation.services import Attestation
    from .consent.models import ConsentFamily, ConsentGrant
    from .dpop.proofs import Proof
    from .pop.hooks import PoPRequest

#: The one attribute of the request holding the context.
ATTRIBUTE = "oauth_ext_context"


@dataclass
class RequestContext:
    """Set by the feature named on each field, read by those that need it."""

    #: client_auth: the method that authenticated the client (``cmr``, key binding, Txn-Tokens).
    client_auth_method: str | None = None
    #: client_auth: the unverified (header, claims) of the client assertion, parsed once.
    assertion: tuple[dict[str, Any], dict[str, Any]] | None = None
    #: mtls: whether the forwarded certificate was read, and the verified certificate.
    certificate_read: bool = False
    forwarded_certificate: x509.Certificate | None = None
    #: mtls: the certificate that authenticated the client or binds its tokens.
    client_certificate: x509.Certificate | None = None
    #: mtls: the auth method the client registered, looked up once ("" without a profile).
    certificate_method: str | None = None
    #: attestation: the verified attestation of the client instance.
    attestation: Attestation | None = None
    #: dpop (or attestation in combined mode, or PAR): the verified DPoP proof.
    dpop: Proof | None = None
    #: pop: the PoP key request (``token_type=pop``).
    pop: PoPRequest | None = None
    #: key_binding: the ``cnf`` of a deferred key (``tmb``).
    deferred_cnf: dict[str, Any] | None = None
    #: status_list: the (list id, index) the access token's ``status`` claim names.
    status_entry: tuple[int, int] | None = None
    #: consent / rar: the authorization details the token carries.
    details: list[dict[str, Any]] | None = None
    #: consent: the consent behind the grant, and the refresh token's family.
    consent: ConsentGrant | None = None
    family: ConsentFamily | None = None


def of(request: Any) -> RequestContext:
    """The context of ``request``, created on first use. ``vars()``: never a body
    parameter of that name."""
    context: RequestContext | None = vars(request).get(ATTRIBUTE)
    if context is None:
        context = RequestContext()
        setattr(request, ATTRIBUTE, context)
    return context
