from django.contrib import admin

from alerts.models import AlertDelivery, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "sector", "language", "created_at")
    raw_id_fields = ("user", "organisation")


@admin.register(AlertDelivery)
class AlertDeliveryAdmin(admin.ModelAdmin):
    list_display = ("scan", "subscription", "changes", "claimed_at", "sent_at")
    readonly_fields = ("scan", "subscription", "changes", "claimed_at", "sent_at")
