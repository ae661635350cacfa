# Placeholder: filled in by the reviews workstream.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("workflow", "0002_sheet")]
    operations: list = []
