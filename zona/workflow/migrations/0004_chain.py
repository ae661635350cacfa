# Placeholder: filled in by the chain workstream.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("workflow", "0003_reviews")]
    operations: list = []
