# Placeholder: filled in by the selection workstream.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("workflow", "0007_koefisien")]
    operations: list = []
