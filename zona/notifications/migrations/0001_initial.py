# Placeholder: filled in by the notifications work.
from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies = [("accounts", "0002_integrity")]
    operations: list = []
