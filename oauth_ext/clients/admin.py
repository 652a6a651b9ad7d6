from django.contrib import admin

from .models import ClientProfile


@admin.register(ClientProfile)
class ClientProfileAdmin(admin.ModelAdmin):
    list_display = ("application", "token_endpoint_auth_method", "token_endpoint_auth_signing_alg", "jwks_uri", "updated_at")
    list_filter = ("token_endpoint_auth_method",)
    search_fields = ("application__client_id", "application__name")
    raw_id_fields = ("application",)
