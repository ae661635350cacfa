"""Placeholder for the candidacy part's models (the part fills in its operations)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("national", "0001_core")]

    operations: list = []
