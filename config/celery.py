"""The Celery app. Only used when CELERY_BROKER_URL is set; otherwise scans run in-process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("mailbeveiliging")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
