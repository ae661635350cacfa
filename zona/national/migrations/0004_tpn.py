"""Placeholder for the tpn part's models (the part fills in its operations)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("national", "0003_package")]

    operations: list = []
