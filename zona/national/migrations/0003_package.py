"""Placeholder for the package part's models (the part fills in its operations)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("national", "0002_candidacy")]

    operations: list = []
