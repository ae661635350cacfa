"""`manage.py notification_mail_status`: notification e-mails by status, and the ones stuck
in `sending` (a worker died between the SMTP call and the mark: the mail may have left, so
it is not sent again; check the mail server's log, then mark it by hand if needed)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db.models import Count

from zona.notifications.models import EmailDelivery
from zona.notifications.services.email import deliveries_stuck


class Command(BaseCommand):
    help = "Count notification e-mails by status and list the ones stuck while sending."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = EmailDelivery.objects.values("status").annotate(n=Count("pk")).order_by("status")
        for row in counts:
            self.stdout.write(f"{row['status']}: {row['n']}")
        for d in deliveries_stuck():
            self.stdout.write(
                f"stuck: {d.key} to user {d.recipient_id}, claimed {d.claimed_at:%Y-%m-%d %H:%M}"
            )
