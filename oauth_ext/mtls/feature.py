"""The mtls feature: Mutual-TLS client authentication and certificate-bound tokens."""

from ..features import ClientField, Feature

FEATURE = Feature(
    name="mtls",
    spec="RFC 8705",
    metadata="oauth_ext.mtls.metadata.metadata",
    claims="oauth_ext.mtls.claims.confirmation",
    hooks="oauth_ext.mtls.hooks.MTLSHooks",
    client_fields=(
        *(ClientField(name) for name in ("tls_client_auth_subject_dn", "tls_client_auth_san_dns", "tls_client_auth_san_uri",
                                        "tls_client_auth_san_ip", "tls_client_auth_san_email")),
        ClientField("tls_client_certificate_bound_access_tokens", bool),
    ),
)
