# Placeholder: filled in by the sheet workstream.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_initial")]
    operations: list = []
