"""Fixtures for the framework engine: a tiny framework with every answer type.

The shipped 90/2021 file is tested only in test_permenpan_90_2021.py.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from zona.frameworks.schema import FrameworkDoc, parse_framework
from zona.frameworks.scoring import CompiledFramework, compile_framework

FIXTURES = Path(__file__).parent / "fixtures"
TINY_PATH = FIXTURES / "tiny.yaml"
TINY_TEXT = TINY_PATH.read_text(encoding="utf-8")
TINY_RAW: dict[str, Any] = yaml.safe_load(TINY_TEXT)


def tiny_raw() -> dict[str, Any]:
    """A fresh, mutable copy of the tiny framework as plain data."""
    raw: dict[str, Any] = copy.deepcopy(TINY_RAW)
    return raw


def find_node(raw: dict[str, Any], code: str) -> dict[str, Any]:
    stack: list[dict[str, Any]] = list(raw["nodes"])
    while stack:
        node = stack.pop()
        if node["code"] == code:
            return node
        stack.extend(node.get("children", []))
    raise KeyError(code)


def dump(raw: dict[str, Any]) -> str:
    return yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)


@pytest.fixture(scope="session")
def tiny_doc() -> FrameworkDoc:
    return parse_framework(TINY_TEXT)


@pytest.fixture(scope="session")
def tiny(tiny_doc: FrameworkDoc) -> CompiledFramework:
    return compile_framework(tiny_doc)


@pytest.fixture
def write_framework(tmp_path: Path) -> Callable[..., Path]:
    """Write a framework (text or data) to a temporary .yaml file and return its path."""

    def write(content: str | dict[str, Any], name: str = "framework.yaml") -> Path:
        path = tmp_path / name
        path.write_text(content if isinstance(content, str) else dump(content), encoding="utf-8")
        return path

    return write
