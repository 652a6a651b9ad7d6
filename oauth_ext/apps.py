from django.apps import AppConfig


class OAuthExtConfig(AppConfig):
    name = "oauth_ext"
    verbose_name = "OAuth extensions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
        from .clients import receivers as client_receivers  # noqa: F401  (changes forget cached clients)
        from .status_list import receivers  # noqa: F401  (revocations set token status)
