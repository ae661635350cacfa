from django.core.management.base import BaseCommand

from zona.accounts.demo import DEMO_PASSWORD, DEMO_USERS
from zona.accounts.models import RoleAssignment


class Command(BaseCommand):
    help = "Print the demo logins."

    def handle(self, *args, **options) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        self.stdout.write("-" * 72)
        for username, _full_name, role, unit_code, _extra in DEMO_USERS:
            self.stdout.write(f"  {username:<18} {role:<20} {unit_code or '(all)'}")
        # The people the apps' demos add (unit heads of the review chain, the echelon-I
        # heads who designate candidates, the agency head who proposes, the monitor ...).
        known = {row[0] for row in DEMO_USERS}
        extra = (
            RoleAssignment.objects.exclude(user__username__in=known)
            .filter(user__is_active=True)
            .select_related("user", "unit")
            .order_by("user__username", "pk")
        )
        seen: set[str] = set()
        lines = []
        for a in extra:
            if a.user.username in seen or not a.user.has_usable_password():
                continue
            seen.add(a.user.username)
            lines.append(
                f"  {a.user.username:<18} {a.role:<20} {a.unit.code if a.unit else '(all)'}"
            )
        if lines:
            self.stdout.write("More people of the demo (same password):")
            for line in lines:
                self.stdout.write(line)
        self.stdout.write("-" * 72)
