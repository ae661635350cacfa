# Placeholder: filled in by the comments workstream.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("workflow", "0004_chain")]
    operations: list = []
