"""The consent feature: Consent grants and the end of an authorization."""

from ..features import Feature
from . import DRAFT

FEATURE = Feature(
    name="consent",
    spec="RFC 8707",
    drafts=(DRAFT,),
    switch="CONSENT",
    urls="oauth_ext.consent.urls.urlpatterns",
    metadata="oauth_ext.consent.metadata.metadata",
    claims="oauth_ext.consent.claims.authorization_bound",
    hooks="oauth_ext.consent.hooks.ConsentHooks",
)
