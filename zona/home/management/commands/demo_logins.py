from django.core.management.base import BaseCommand

from zona.accounts.demo import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Print the demo logins."

    def handle(self, *args, **options) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        self.stdout.write("-" * 72)
        for username, _full_name, role, unit_code, _extra in DEMO_USERS:
            self.stdout.write(f"  {username:<18} {role:<20} {unit_code or '(all)'}")
        self.stdout.write("-" * 72)
