"""The respondent profile: optional questions in coarse bands, read from a data file.

PermenPAN-RB 14/2017 reports describe respondents by age, sex, education and occupation.
The bands live in `ZONA_SURVEY_PROFILE_FILE` (default zona/surveys/data/profile.yaml); a
response stores only the band codes, each may be left empty, and any figure per band is
shown only for groups of at least `ZONA_SURVEY_MIN_GROUP` responses (see anonymity.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.conf import settings

# The Response columns, in the order they are asked, exported and shown.
PROFILE_FIELDS: tuple[str, ...] = ("age_group", "sex", "education", "occupation")


@dataclass(frozen=True, slots=True)
class ProfileChoice:
    code: str
    label_id: str
    label_en: str

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_id


@dataclass(frozen=True, slots=True)
class ProfileQuestion:
    key: str
    label_id: str
    label_en: str
    choices: tuple[ProfileChoice, ...]

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_id

    def choice_label(self, code: str, language: str) -> str:
        for choice in self.choices:
            if choice.code == code:
                return choice.label(language)
        return code


@cache
def _load(path: Path) -> tuple[ProfileQuestion, ...]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    questions = []
    for entry in raw:
        key = entry["key"]
        if key not in PROFILE_FIELDS:
            raise ValueError(f"{path}: unknown profile question {key!r}")
        choices = tuple(
            ProfileChoice(str(c["code"]), str(c["id"]), str(c["en"])) for c in entry["choices"]
        )
        if any(not 0 < len(c.code) <= 16 for c in choices):
            raise ValueError(f"{path}: profile codes have 1 to 16 characters ({key})")
        questions.append(
            ProfileQuestion(key, str(entry["label"]["id"]), str(entry["label"]["en"]), choices)
        )
    order = {key: i for i, key in enumerate(PROFILE_FIELDS)}
    return tuple(sorted(questions, key=lambda q: order[q.key]))


def profile_questions() -> tuple[ProfileQuestion, ...]:
    return _load(Path(settings.ZONA_SURVEY_PROFILE_FILE))


def clean_profile(values: Mapping[str, str]) -> dict[str, str]:
    """The profile as stored: known band codes only; anything else is left empty."""
    cleaned = dict.fromkeys(PROFILE_FIELDS, "")
    for question in profile_questions():
        value = str(values.get(question.key) or "")
        if value in {c.code for c in question.choices}:
            cleaned[question.key] = value
    return cleaned


def min_group() -> int:
    """The smallest group any export or results page shows (k of k-anonymity)."""
    return max(1, int(settings.ZONA_SURVEY_MIN_GROUP))
