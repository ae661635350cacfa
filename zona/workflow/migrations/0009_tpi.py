# Placeholder: filled in by the tpi workstream.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("workflow", "0008_selection")]
    operations: list = []
