"""Placeholder for the monitoring part's models (the part fills in its operations)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("national", "0004_tpn")]

    operations: list = []
