from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("Meldingen")

    def ready(self) -> None:
        from alerts import receivers  # noqa: F401 - connects to measurement's scan_stored
