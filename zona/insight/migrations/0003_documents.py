"""Placeholder for the documents' models (the part fills in its operations)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("insight", "0002_targets")]

    operations: list = []
