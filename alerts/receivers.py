"""Queue a scan's alerts once the scan is finished and stored (after the commit)."""

from functools import partial

from django.db import transaction
from django.dispatch import receiver

from alerts.tasks import send_scan_alerts
from measurement.signals import scan_stored


@receiver(scan_stored, dispatch_uid="alerts.queue_scan_alerts")
def queue_scan_alerts(sender, scan_id: int, **kwargs) -> None:
    transaction.on_commit(partial(send_scan_alerts.delay, scan_id))
