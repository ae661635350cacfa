"""Scoring an LKE worksheet: pure functions over plain values, no ORM.

The framework document is compiled once (`plan.compile_framework`) into flat tables; answers
are checked and valued in `answers`; penalties and predicate verdicts in `verdicts`; `score`
(in `scorecard`) puts them together. The rules are in docs/scoring.md. Other apps import the
names below from `zona.frameworks.scoring`.
"""

from zona.frameworks.scoring.answers import (
    Answer,
    CountBreach,
    InvalidAnswers,
    Problem,
    answer_problems,
    count_breaches,
    effective_answers,
    item_value,
    validate_answers,
)
from zona.frameworks.scoring.decimals import FOUR, HUNDRED, ONE, ZERO, round_half_up
from zona.frameworks.scoring.plan import (
    CompiledCondition,
    CompiledFramework,
    CompiledItem,
    CompiledNode,
    CompiledPredicate,
    CountRule,
    Formula,
    ItemKind,
    ItemRow,
    NodeKind,
    Op,
    PlanStep,
    ScoreSlot,
    compile_framework,
)
from zona.frameworks.scoring.scorecard import (
    LayeredScores,
    NodeScore,
    Scorecard,
    score,
    score_layers,
)
from zona.frameworks.scoring.verdicts import (
    ConditionResult,
    Penalty,
    PenaltyKind,
    Verdict,
    apply_penalties,
    evaluate_predicates,
)

__all__ = [
    "FOUR",
    "HUNDRED",
    "ONE",
    "ZERO",
    "Answer",
    "CompiledCondition",
    "CompiledFramework",
    "CompiledItem",
    "CompiledNode",
    "CompiledPredicate",
    "ConditionResult",
    "CountBreach",
    "CountRule",
    "Formula",
    "InvalidAnswers",
    "ItemKind",
    "ItemRow",
    "LayeredScores",
    "NodeKind",
    "NodeScore",
    "Op",
    "Penalty",
    "PenaltyKind",
    "PlanStep",
    "Problem",
    "ScoreSlot",
    "Scorecard",
    "Verdict",
    "answer_problems",
    "apply_penalties",
    "compile_framework",
    "count_breaches",
    "effective_answers",
    "evaluate_predicates",
    "item_value",
    "round_half_up",
    "score",
    "score_layers",
    "validate_answers",
]
