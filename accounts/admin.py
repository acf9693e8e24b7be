"""Admin for memberships, invitations and explanations; the admin's own login page
hands over to the accounts login, so both share one form and django-axes' throttling."""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from accounts.models import Explanation, Invitation, Membership


def _login_through_accounts(request, extra_context=None):
    return redirect_to_login(request.GET.get("next", reverse("admin:index")), "accounts:login")


admin.site.login = _login_through_accounts


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__email", "user__username", "organisation__name")
    raw_id_fields = ("user", "organisation")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "organisation", "role", "created_at", "expires_at", "accepted_at")
    search_fields = ("email", "organisation__name")
    readonly_fields = ("token_digest", "accepted_at", "accepted_by")
    raw_id_fields = ("organisation", "invited_by")


@admin.register(Explanation)
class ExplanationAdmin(admin.ModelAdmin):
    """Read-only: versions are added by the organisations and reviewed in the queue."""

    list_display = ("organisation", "standard", "version", "reason", "comply_by", "status")
    list_filter = ("status", "standard", "reason")
    search_fields = ("organisation__name",)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
