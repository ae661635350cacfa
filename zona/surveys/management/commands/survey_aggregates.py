"""`manage.py survey_aggregates [--check | --rebuild | --fold] [--campaign ID]`: the results'
running totals (zona.surveys.services.tallies).

--check    recompute every figure from the answers and compare; prints each drift and
           exits 1 when there is any (0 expected);
--rebuild  recompute the totals from the answers (existing data, or after a drift);
--fold     fold the responses the worker has not folded yet (what its clock does).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zona.surveys.models import Campaign
from zona.surveys.services.tallies import tallies_drift, tallies_fold, tallies_rebuild


class Command(BaseCommand):
    help = "Check, rebuild or fold the running totals survey results are read from."

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument("--check", action="store_true", help="report drift; exit 1 on any")
        mode.add_argument("--rebuild", action="store_true", help="recompute from the answers")
        mode.add_argument("--fold", action="store_true", help="fold untallied responses now")
        parser.add_argument("--campaign", type=int, help="only this campaign (id)")

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = None
        if options["campaign"] is not None:
            campaign = Campaign.objects.filter(pk=options["campaign"]).first()
            if campaign is None:
                raise CommandError(f"No campaign with id {options['campaign']}.")
        if options["fold"]:
            self.stdout.write(f"folded {tallies_fold()} responses")
            return
        if options["rebuild"]:
            held = tallies_rebuild(campaign=campaign)
            self.stdout.write(f"rebuilt: the totals hold {held} responses")
            return
        drift = tallies_drift(campaign=campaign)
        for d in drift:
            self.stdout.write(f"{d.table} {d.key}: totals {d.totals}, answers {d.answers}")
        if drift:
            raise CommandError(f"{len(drift)} figures drifted; run --rebuild")
        self.stdout.write("no drift")
