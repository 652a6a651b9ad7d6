"""Celery for the example site: ``celery -A example_project worker`` and
``celery -A example_project beat``. Without a broker (the demo) tasks run inline."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_project.settings")

app = Celery("example_project")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()  # <app>.tasks of every installed app: oauth_ext.tasks registers all of the package's
