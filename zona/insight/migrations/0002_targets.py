"""Placeholder for the agency dashboard's targets (the part fills in its operations)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("insight", "0001_initial")]

    operations: list = []
