from django.core.management.base import BaseCommand

from zona.home.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo agency, its units and one user per role (idempotent)."

    def handle(self, *args, **options) -> None:
        ctx = load_demo()
        self.stdout.write(
            f"Demo agency '{ctx.agency.name}': {len(ctx.units)} units, {len(ctx.users)} users."
        )
