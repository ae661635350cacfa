"""Typed errors raised by services. Views and the API turn them into messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    field: str = ""
    row: int | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "message": str(self.message)}
        if self.field:
            data["field"] = self.field
        if self.row is not None:
            data["row"] = self.row
        return data


@dataclass(frozen=True)
class Refusal:
    """Why an action is not allowed now: a code for programs and tests, a message for people.

    It renders as its message, so a page shows it where it showed the sentence before.
    """

    code: str
    message: str

    def __str__(self) -> str:
        return self.message

    def problems(self, message: str = "") -> list[Problem]:
        """The refusal as the problem of an error whose message is `message` (or its own):
        the same text, so pages show it once, and the code beside the error's class code."""
        return [Problem(self.code, message or self.message)]


class ZonaError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str = "", *, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.problems: list[Problem] = list(problems or [])


class ValidationFailed(ZonaError):
    code = "invalid"
    status = 400


class PermissionDenied(ZonaError):
    code = "forbidden"
    status = 403


class NotFound(ZonaError):
    code = "not_found"
    status = 404


@dataclass
class ConflictInfo:
    current: Any = None
    by: str = ""
    at: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class Conflict(ZonaError):
    """Someone else changed the object since the user loaded it."""

    code = "conflict"
    status = 409

    def __init__(self, message: str = "", *, info: ConflictInfo | None = None) -> None:
        super().__init__(message)
        self.info = info or ConflictInfo()


class StateError(ZonaError):
    """The action is not allowed in the object's current state (a locked sheet, a closed window)."""

    code = "state"
    status = 409
