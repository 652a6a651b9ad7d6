"""The par feature: Pushed authorization requests and pushed client registration."""

from ..features import Feature
from .dynamic import DRAFT

FEATURE = Feature(
    name="par",
    spec="RFC 9126",
    drafts=(DRAFT,),
    switch="PAR",
    urls="oauth_ext.par.urls.urlpatterns",
    metadata="oauth_ext.par.metadata.metadata",
)
