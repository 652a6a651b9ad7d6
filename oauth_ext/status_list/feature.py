"""The status_list feature: Token status list."""

from ..features import Feature
from . import DRAFT

FEATURE = Feature(
    name="status_list",
    spec="IETF OAuth WG draft",
    drafts=(DRAFT,),
    switch="STATUS_LIST",
    urls="oauth_ext.status_list.urls.urlpatterns",
    metadata="oauth_ext.status_list.metadata.metadata",
    claims="oauth_ext.status_list.claims.status",
    hooks="oauth_ext.status_list.hooks.StatusListHooks",
)
