"""The recap of a subtree as an Excel workbook (issue 12 §6), written in openpyxl's
write-only mode so memory stays flat over thousands of sheets.

Sheet "Rekap" (one row per sheet): unit code and name, level, target, status, then for
each stored view its total, Pengungkit and Hasil (the unit's, each review tier's, the
effective one), the total after koefisien, and the verdict on the target with the failing
conditions. Sheet "Butir" (one row per item of every sheet): each layer's answer in words
and its note, and the evidence (title and download address of the revision reviewers see).
Scores are the stored ones, as numbers with their stored 4 decimals. Every cell goes
through `zona.core.spreadsheets` (formula-like text stays text).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zona.accounts.models import ReviewTier, Unit
from zona.assessments.models import EvidenceKind, Period
from zona.assessments.selectors.scores import EFFECTIVE_KEY, StoredView, tier_key
from zona.assessments.selectors.state import UNIT_KEY
from zona.assessments.sheet import ItemSpec, SheetSpec, display_value, sheet_spec, text
from zona.core.spreadsheets import xlsx_append
from zona.insight.selectors.exports import EvidenceRef, RecapSheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Fixed sheet names (not translated): a program reading the file finds them in any language.
RECAP_SHEET = "Rekap"
ITEMS_SHEET = "Butir"


@dataclass(frozen=True)
class RecapLayout:
    period: Period
    root: Unit
    spec: SheetSpec
    # The review tiers shown (the agency's and national), lowest rank first.
    tiers: tuple[ReviewTier, ...]

    @property
    def view_keys(self) -> list[tuple[str, str]]:
        """(view key, column label) of each stored view shown, in order."""
        return [
            (UNIT_KEY, pgettext("score view", "Unit")),
            *((tier_key(t.pk), t.name) for t in self.tiers),
            (EFFECTIVE_KEY, pgettext("score view", "Effective")),
        ]

    @property
    def layer_keys(self) -> list[tuple[str, str]]:
        return [
            (UNIT_KEY, pgettext("score view", "Unit")),
            *((tier_key(t.pk), t.name) for t in self.tiers),
        ]


def recap_layout(period: Period, root: Unit, tiers: Iterable[ReviewTier]) -> RecapLayout:
    return RecapLayout(
        period=period, root=root, spec=sheet_spec(period.framework), tiers=tuple(tiers)
    )


def recap_headers(layout: RecapLayout) -> list[str]:
    headers = [_("Unit code"), _("Unit"), _("Level"), _("Target"), _("Status")]
    for _key, label in layout.view_keys:
        headers += [
            f"{label}: " + _("total"),
            f"{label}: Pengungkit",
            f"{label}: Hasil",
        ]
    headers += [_("Total after koefisien"), _("Verdict"), _("Conditions not met")]
    return headers


def item_headers(layout: RecapLayout) -> list[str]:
    headers = [_("Unit code"), _("Unit"), _("Item"), _("Area")]
    for _key, label in layout.layer_keys:
        headers += [f"{label}: " + _("answer"), f"{label}: " + _("note")]
    headers.append(_("Evidence"))
    return headers


def answer_text(item: ItemSpec, value: Any) -> str:
    """An answer in words: the option's key with its label, counts with their labels, an
    index with its decimals; never the raw stored value."""
    if value is None:
        return ""
    if item.is_choice:
        option = next((o for o in item.options if o.key == value), None)
        label = text(option.label) if option else ""
        return f"{value} · {label}" if label and label != value else str(value)
    return display_value(item, value)


def _condition_titles(spec: SheetSpec) -> dict[str, dict[str, str]]:
    titles: dict[str, dict[str, str]] = {}
    for predicate in spec.compiled.predicates:
        titles[predicate.key] = {c.name: text(c.title) for c in predicate.conditions}
    return titles


def _failing(view: StoredView, target: str, titles: Mapping[str, Mapping[str, str]]) -> str:
    names = view.verdicts.get(target, {}).get("failing", []) or []
    known = titles.get(target, {})
    shown = []
    for name in names:
        if known.get(name):
            shown.append(known[name])
        elif name.startswith("held_"):
            shown.append(_("Holds %(predicate)s") % {"predicate": name[5:].upper()})
        else:
            shown.append(name)
    return "; ".join(shown)


class RecapWriter:
    """Appends the sheets of each chunk to both worksheets; `save` writes the file."""

    def __init__(self, layout: RecapLayout, *, evidence_url: Callable[[int], str]) -> None:
        from openpyxl import Workbook

        self.layout = layout
        self.evidence_url = evidence_url
        self.workbook = Workbook(write_only=True)
        self.recap = self.workbook.create_sheet(RECAP_SHEET)
        self.items = self.workbook.create_sheet(ITEMS_SHEET)
        self._titles = _condition_titles(layout.spec)
        self._areas = {area.key: text(area.title) for area in layout.spec.areas}
        # Computed once: the labels are translated strings.
        self._view_keys = layout.view_keys
        self._layer_keys = layout.layer_keys
        self._statuses: dict[str, str] = {}
        self._targets: dict[str, str] = {}
        self.sheets = 0
        self.item_rows = 0
        title = _("Recap %(period)s — %(unit)s") % {
            "period": layout.period.title,
            "unit": layout.root.name,
        }
        xlsx_append(self.recap, [title])
        xlsx_append(self.recap, recap_headers(layout))
        xlsx_append(self.items, item_headers(layout))

    def add(self, sheets: Iterable[RecapSheet]) -> None:
        for sheet in sheets:
            self._recap_row(sheet)
            self._item_rows(sheet)
            self.sheets += 1

    def _recap_row(self, sheet: RecapSheet) -> None:
        assessment = sheet.assessment
        unit = assessment.unit
        status = self._statuses.get(assessment.status)
        if status is None:
            status = self._statuses[assessment.status] = str(assessment.get_status_display())
        target = self._targets.get(assessment.target)
        if target is None:
            target = self._targets[assessment.target] = str(assessment.get_target_display())
        row: list[Any] = [unit.code, unit.name, unit.depth, target, status]
        for key, _label in self._view_keys:
            view = sheet.view(key)
            if view is None and key in (UNIT_KEY, EFFECTIVE_KEY):
                view = sheet.unit_view if key == UNIT_KEY else sheet.effective
            if view is None:
                row += [None, None, None]
            else:
                row += [view.total, view.pengungkit, view.hasil]
        effective = sheet.effective
        if effective.passed is None:
            verdict = ""
        else:
            verdict = _("meets the thresholds") if effective.passed else _("below the thresholds")
        row += [
            effective.final_total,
            verdict,
            _failing(effective, assessment.target, self._titles),
        ]
        xlsx_append(self.recap, row)

    def _evidence(self, refs: list[EvidenceRef]) -> str | None:
        lines = []
        for ref in refs:
            if ref.kind == EvidenceKind.LINK:
                target = ref.url
            elif ref.revision_id is not None:
                target = self.evidence_url(ref.revision_id)
            else:
                target = ""
            lines.append(f"{ref.title}: {target}" if target else ref.title)
        return "\n".join(lines) or None

    def _item_rows(self, sheet: RecapSheet) -> None:
        unit = sheet.assessment.unit
        layers = self._layer_keys
        for code, item in self.layout.spec.items.items():
            row: list[Any] = [unit.code, unit.name, code, self._areas.get(item.area or "", "")]
            for key, _label in layers:
                value, note = sheet.answers.get(key, {}).get(code, (None, ""))
                row += [answer_text(item, value) or None, note or None]
            row.append(self._evidence(sheet.evidence.get(code, [])))
            xlsx_append(self.items, row)
            self.item_rows += 1

    def save(self, out: IO[bytes]) -> None:
        self.workbook.save(out)
