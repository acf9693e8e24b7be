"""Celery task: a finished scan's alerts. Thin, idempotent, retried on mail-server errors."""

import smtplib

from celery import shared_task

from alerts import sending


@shared_task(
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=60,
    max_retries=6,
)
def send_scan_alerts(scan_id: int) -> int:
    return sending.send_alerts(scan_id)
