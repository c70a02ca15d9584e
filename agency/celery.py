"""The Celery application. Broker and result backend come from REDIS_URL.

Without REDIS_URL, settings make every task run eagerly in-process, so the
embedded default (SQLite, no services) works without a worker.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agency.settings")

app = Celery("agency")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
