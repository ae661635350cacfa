"""What the self-assessment needs from the unit's surveys, declared here and filled by them.

The LKE takes the survey indices (IPAK into B.I.a, IPKP into B.II.a) and the number of SKM
rounds (A.I.6.iv.a) from the unit's surveys, and tells the surveys when the rounds feeding
a sheet are frozen (submission) or free again (a return that reopens B.I.a or B.II.a).
Assessments and surveys are independent apps (the import-linter contract in
pyproject.toml): assessments never imports zona.surveys. The surveys app registers its
`SurveyFeed` in `SurveysConfig.ready()`; a deployment without it gets `NoSurveys`, which
offers nothing and pins nothing, and the sheet works as if the framework took nothing from
surveys.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from zona.accounts.models import Unit, User


class SurveyFeed(Protocol):
    def indices_for(self, unit: Unit, year: int) -> dict[str, Any] | None:
        """What the unit's surveys of `year` give the LKE, keyed by the items' `source`
        (`ipak`, `ipkp`: the index on 0-4, or None when no round has answers) plus
        `skm_rounds` (int); None when there are no surveys at all. Reads only."""
        ...

    def pin(self, *, unit: Unit, year: int, actor: User | None) -> None:
        """Freeze the rounds that feed the unit's LKE of `year` (inside the submission's
        transaction; idempotent and audited)."""
        ...

    def unpin(self, *, unit: Unit, year: int, actor: User | None) -> None:
        """Let the unit choose the feeding rounds again (a return reopened an index item)."""
        ...


class NoSurveys:
    """No surveys app: nothing is offered, nothing is pinned."""

    def indices_for(self, unit: Unit, year: int) -> dict[str, Any] | None:
        return None

    def pin(self, *, unit: Unit, year: int, actor: User | None) -> None:
        return None

    def unpin(self, *, unit: Unit, year: int, actor: User | None) -> None:
        return None


_survey_feed: SurveyFeed = NoSurveys()


def register_survey_feed(feed: SurveyFeed) -> SurveyFeed:
    """Make `feed` the unit's surveys for every sheet; returns the one it replaces (so a
    test can put it back)."""
    global _survey_feed  # the registry is this one module-level slot
    previous, _survey_feed = _survey_feed, feed
    return previous


def survey_feed() -> SurveyFeed:
    return _survey_feed


# --- the review chain ------------------------------------------------------------------------


class ReviewGate(Protocol):
    """What the sheet needs from the review chain (zona.workflow fills it; assessments never
    imports zona.workflow): whether a tier's layer may change now, and why a sheet action
    is refused for an actor (the one rule behind buttons, services and the API)."""

    def layer_lock(self, assessment: Any, tier: Any, today: Any) -> Any:
        """A `Refusal` when the layer of `tier` cannot be changed now (for anyone: the
        tier's review is not open, its window is closed ...), else None. Called after the
        sheet-level checks of `zona.assessments.access.review_lock_reason`."""
        ...

    def refusal(self, assessment: Any, action: str, actor: Any) -> Any:
        """A `Refusal` when `actor` may not do the sheet action (`submit`, `return` ...)
        now, else None; an action the workflow does not know is refused."""
        ...

    def governs(self, assessment: Any) -> bool:
        """Whether a review chain governs this sheet's layers (then its tiers' own windows
        apply, not the tree level's review deadline)."""
        ...

    def returned_by(self, assessment: Any) -> tuple[str, str] | None:
        """Who returned the sheet last and in which tier (names), or None."""
        ...

    def layer_changed(self, assessment: Any, tier: Any) -> None:
        """A value of the layer of `tier` (None: the unit's) changed, inside the save's
        transaction: a tier that completed its review over that layer reopens (stale)."""
        ...


class NoReviewChain:
    """No workflow app: layers follow the sheet's own state; actions are not offered."""

    def layer_lock(self, assessment: Any, tier: Any, today: Any) -> Any:
        return None

    def refusal(self, assessment: Any, action: str, actor: Any) -> Any:
        from zona.core.errors import Refusal

        return Refusal("no_workflow", "workflow not installed")

    def governs(self, assessment: Any) -> bool:
        return False

    def returned_by(self, assessment: Any) -> tuple[str, str] | None:
        return None

    def layer_changed(self, assessment: Any, tier: Any) -> None:
        return None


_review_gate: ReviewGate = NoReviewChain()


def register_review_gate(gate: ReviewGate) -> ReviewGate:
    """Make `gate` the review chain for every sheet; returns the one it replaces."""
    global _review_gate  # the registry is this one module-level slot
    previous, _review_gate = _review_gate, gate
    return previous


def review_gate() -> ReviewGate:
    return _review_gate


# --- the predicate register ------------------------------------------------------------------


class PredicateRegister(Protocol):
    """Which predicates a unit holds (zona.national's register fills it): the WBBM verdict
    needs a held WBK. Assessments never imports zona.national."""

    def held(self, unit_ids: Iterable[int], on: Any) -> dict[int, frozenset[str]] | None:
        """The predicate kinds each unit holds on the date `on` (not revoked; a unit
        holding none may be missing from the dict), in one query; None when no register is
        kept (then a sheet is judged as holding what its target requires, as before the
        register existed)."""
        ...


class NoRegister:
    """No register: a sheet is judged as holding the predicates its target requires."""

    def held(self, unit_ids: Iterable[int], on: Any) -> dict[int, frozenset[str]] | None:
        return None


_predicate_register: PredicateRegister = NoRegister()


def register_predicate_register(register: PredicateRegister) -> PredicateRegister:
    """Make `register` the predicate register; returns the one it replaces."""
    global _predicate_register  # the registry is this one module-level slot
    previous, _predicate_register = _predicate_register, register
    return previous


def predicate_register() -> PredicateRegister:
    return _predicate_register


# --- the review chain's windows --------------------------------------------------------------


class ChainWindows(Protocol):
    """The windows of a period's review chain, for the period's own rules and the task list
    (zona.workflow fills it; assessments never imports zona.workflow). Apart from
    `ReviewGate`, which the national stage wraps: these are the agency chain's alone."""

    def outside(self, period: Any, opens_on: Any, closes_on: Any) -> list[tuple[str, Any, Any]]:
        """The steps of `period` whose windows would not lie within `opens_on`..`closes_on`,
        in chain order, as (tier name, opens on, closes on). One query."""
        ...

    def open_steps(self, assessments: Any) -> dict[int, dict[int, Any]]:
        """For each sheet of the queryset `assessments` that a tier reviews now: the tiers
        whose review of it is open (by tier id), each with its step's closing date. One
        query, whatever the number of sheets."""
        ...


class NoChainWindows:
    """No workflow app: no chain, no windows."""

    def outside(self, period: Any, opens_on: Any, closes_on: Any) -> list[tuple[str, Any, Any]]:
        return []

    def open_steps(self, assessments: Any) -> dict[int, dict[int, Any]]:
        return {}


_chain_windows: ChainWindows = NoChainWindows()


def register_chain_windows(windows: ChainWindows) -> ChainWindows:
    """Make `windows` the review chain's windows; returns the one it replaces."""
    global _chain_windows  # the registry is this one module-level slot
    previous, _chain_windows = _chain_windows, windows
    return previous


def chain_windows() -> ChainWindows:
    return _chain_windows
