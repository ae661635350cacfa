"""Repair review tiers that could override the national tier (issue 8, §1).

An agency tier may neither share its code with a national tier nor rank at or above the
lowest national tier. Clashing codes get a suffix (`tpn` becomes `tpn-agency`, then
`tpn-agency-2` ...); offending ranks move just below the national tier, keeping their order.
Each repair is written to the audit log.
"""

from django.db import migrations

CODE_MAX = 32


def _free_code(taken: set[str], code: str) -> str:
    base = f"{code[: CODE_MAX - 7]}-agency"
    candidate, n = base, 2
    while candidate in taken:
        suffix = f"-{n}"
        candidate = f"{base[: CODE_MAX - len(suffix)]}{suffix}"
        n += 1
    return candidate


def repair_tiers(apps, schema_editor):
    ReviewTier = apps.get_model("accounts", "ReviewTier")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    national = list(ReviewTier.objects.filter(agency__isnull=True))
    if not national:
        return
    national_codes = {t.code for t in national}
    lowest = min(t.rank for t in national)
    by_agency: dict[int, list] = {}
    for tier in ReviewTier.objects.filter(agency__isnull=False).select_related("agency"):
        by_agency.setdefault(tier.agency_id, []).append(tier)
    for tiers in by_agency.values():
        taken = national_codes | {t.code for t in tiers}
        too_high = sorted((t for t in tiers if t.rank >= lowest), key=lambda t: (t.rank, t.pk))
        new_rank = {t.pk: max(1, lowest - len(too_high) + i) for i, t in enumerate(too_high)}
        for tier in sorted(tiers, key=lambda t: t.pk):
            changes = {}
            if tier.code in national_codes:
                code = _free_code(taken, tier.code)
                taken.add(code)
                changes["code"] = {"old": tier.code, "new": code}
                tier.code = code
            if tier.pk in new_rank and new_rank[tier.pk] != tier.rank:
                changes["rank"] = {"old": tier.rank, "new": new_rank[tier.pk]}
                tier.rank = new_rank[tier.pk]
            if not changes:
                continue
            tier.save(update_fields=list(changes))
            AuditEvent.objects.create(
                actor=None,
                actor_repr="system",
                action="review_tier.repaired",
                target_type="accounts.reviewtier",
                target_id=str(tier.pk),
                target_repr=tier.name[:255],
                unit=tier.agency,
                unit_path=tier.agency.path,
                details=changes,
            )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("audit", "0001_initial")]

    operations: list = [migrations.RunPython(repair_tiers, migrations.RunPython.noop)]
