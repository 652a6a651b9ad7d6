"""The app2app feature: Browser-less app-to-app authorization."""

from ..features import Feature
from . import DRAFT

FEATURE = Feature(
    name="app2app",
    spec="individual draft",
    drafts=(DRAFT,),
    switch="APP2APP",
    urls="oauth_ext.app2app.urls.urlpatterns",
    metadata="oauth_ext.app2app.metadata.metadata",
)
