"""Admin for the register and the scans, with search and filters."""

from django.contrib import admin

from measurement.models import Domain, DomainResult, ImportRun, Organisation, Scan


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    fields = ("name", "source", "is_active", "added_on", "removed_on")
    readonly_fields = ("added_on",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "abbreviation", "sector", "organisation_type", "valid_to", "source")
    list_filter = (
        "sector",
        "source",
        "organisation_type",
        ("valid_to", admin.EmptyFieldListFilter),
    )
    search_fields = ("name", "abbreviation", "tooi", "domains__name")
    raw_id_fields = ("parent", "ministry")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [DomainInline]


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "source", "is_active", "added_on", "removed_on")
    list_filter = ("is_active", "source", "organisation__sector")
    search_fields = ("name", "organisation__name")
    raw_id_fields = ("organisation", "latest_result")


@admin.register(Scan)
class ScanAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "status", "domains_done", "domains_total", "created_at")
    list_filter = ("kind", "status", "is_frozen")
    readonly_fields = ("checksum", "methodology_version", "scanner_version")


@admin.register(DomainResult)
class DomainResultAdmin(admin.ModelAdmin):
    list_display = ("domain_name", "scan", "starttls", "dane", "mta_sts", "tls_rpt")
    list_filter = ("sector", "dane", "starttls", "mta_sts")
    search_fields = ("domain_name",)
    raw_id_fields = ("scan", "domain", "organisation")


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Scheduled register imports, each with the rows it skipped: read only."""

    list_display = ("started_at", "format", "succeeded", "skipped_count", "source")
    list_filter = ("format", "succeeded")
    readonly_fields = [f.name for f in ImportRun._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
