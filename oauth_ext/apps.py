from django.apps import AppConfig


class OAuthExtConfig(AppConfig):
    name = "oauth_ext"
    verbose_name = "OAuth extensions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
        from .clients import receivers as client_receivers  # noqa: F401  (changes forget cached clients)
        from .stateless_tokens import receivers as stateless_receivers  # noqa: F401  (a deleted client's tokens)
        from .status_list import receivers  # noqa: F401  (revocations set token status)

        self.link_user_admin()

    @staticmethod
    def link_user_admin() -> None:
        """The site's user admin links to each user's devices and consents. The admin
        modules are discovered first (Django's admin does the same, once), so the
        site's own user admin is the one extended, whatever the app order."""
        from django.apps import apps
        from django.contrib import admin
        from django.contrib.admin.apps import AdminConfig

        if not apps.is_installed("django.contrib.admin"):
            return
        if isinstance(apps.get_app_config("admin"), AdminConfig):
            admin.autodiscover()
        from .audit.user_admin import link_user_admin

        link_user_admin(admin.site)
