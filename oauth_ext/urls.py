"""Our endpoints. Include them *before* DOT's, under the same prefix:

    path("o/", include("oauth_ext.urls")),
    path("o/", include("oauth2_provider.urls")),

so that the discovery documents and introspection served here take the place of
DOT's at the same paths (system check ``oauth_ext.W002`` verifies the order).

Each feature brings its own patterns (``Feature.urls``); a feature switched off has
no URL: its endpoints are 404s, not endpoints that answer. Routes are built from the
settings when Django imports this module; a change of ``OAUTH_EXT`` at run time
needs the URLconf reloaded (:func:`build` gives the patterns for the current settings).
"""

from django.urls import URLPattern, URLResolver

from . import features

app_name = "oauth_ext"


def build() -> list[URLPattern | URLResolver]:
    """The patterns of the features switched on now."""
    return features.url_patterns()


#: The features whose patterns this URLconf holds.
ROUTED = frozenset(f.name for f in features.enabled())
urlpatterns = build()
