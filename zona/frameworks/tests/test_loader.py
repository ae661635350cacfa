"""The loader: validates whole files before writing, loads atomically, refuses silent changes."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zona.audit.models import AuditEvent
from zona.core.errors import StateError
from zona.frameworks.models import Framework, Node
from zona.frameworks.selectors import compiled_framework, latest_framework
from zona.frameworks.services import (
    FrameworkChanged,
    FrameworkFilesInvalid,
    framework_load_file,
    framework_load_files,
)

from .conftest import TINY_PATH, find_node, tiny_raw

pytestmark = pytest.mark.django_db

Write = Callable[..., Path]


def broken_raw() -> dict[str, Any]:
    raw = tiny_raw()
    find_node(raw, "A.p.m.2")["weight"] = 19  # A.p.m no longer sums to 30
    find_node(raw, "A.p.m.1.b")["options"].pop()  # ABC with two options
    find_node(raw, "B.1.a")["type"] = "NUM5"  # unknown type
    return raw


def test_load_creates_the_framework_and_its_nodes() -> None:
    result = framework_load_file(path=TINY_PATH)
    assert (result.key, result.version, result.status) == ("tiny", 1, "created")
    framework = Framework.objects.get()
    assert (framework.title_id, framework.title_en) == ("Kerangka mini", "Tiny framework")
    assert len(framework.content_hash) == 64
    nodes = {n.code: n for n in Node.objects.filter(framework=framework)}
    assert len(nodes) == result.node_count == 23
    assert nodes["A.p.m.1"].kind == Node.Kind.SUBAREA
    assert nodes["A.p.m.1"].parent == nodes["A.p.m"]
    assert nodes["A.p.m"].kind == Node.Kind.AREA
    assert nodes["A.p"].kind == Node.Kind.PART
    assert nodes["A"].kind == Node.Kind.COMPONENT
    assert nodes["A"].parent is None
    assert nodes["B.1.a"].weight == Decimal("17.5")
    assert nodes["B.1.a"].answer_type == "NUM4"
    assert nodes["A.p.m.1.a"].title_en == "A team exists"  # items take their question
    assert [n.code for n in framework.nodes.order_by("position")][:3] == ["A", "A.p", "A.p.m"]
    assert AuditEvent.objects.filter(action="framework.created").count() == 1


def test_reloading_the_same_file_is_a_no_op(write_framework: Write) -> None:
    framework_load_file(path=TINY_PATH)
    first = Framework.objects.get()
    # Same content, different layout: still the same version.
    again = framework_load_file(path=write_framework(tiny_raw()))
    assert again.status == "unchanged"
    assert Framework.objects.get().loaded_at == first.loaded_at
    assert Node.objects.count() == 23
    assert AuditEvent.objects.filter(action__startswith="framework.").count() == 1


def test_a_changed_file_under_a_loaded_version_is_refused(write_framework: Write) -> None:
    framework_load_file(path=TINY_PATH)
    raw = tiny_raw()
    find_node(raw, "A.p.m.1.a")["question"]["en"] = "Is there a team?"
    with pytest.raises(FrameworkChanged, match="new version"):
        framework_load_file(path=write_framework(raw))
    assert Node.objects.get(code="A.p.m.1.a").title_en == "A team exists"

    raw["version"] = 2
    assert framework_load_file(path=write_framework(raw)).status == "created"
    latest = latest_framework("tiny")
    assert latest is not None
    assert latest.version == 2
    assert Framework.objects.count() == 2


def test_an_unused_draft_may_be_replaced_on_request(write_framework: Write) -> None:
    framework_load_file(path=TINY_PATH)
    raw = tiny_raw()
    find_node(raw, "A.p.m.1.a")["question"]["en"] = "Is there a team?"
    result = framework_load_file(path=write_framework(raw), replace_unused=True)
    assert result.status == "replaced"
    assert Node.objects.get(code="A.p.m.1.a").title_en == "Is there a team?"
    assert Framework.objects.count() == 1


def test_a_version_in_use_is_never_replaced(
    write_framework: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    framework_load_file(path=TINY_PATH)
    monkeypatch.setattr(Framework, "is_in_use", lambda self: True)
    raw = tiny_raw()
    find_node(raw, "A.p.m.1.a")["question"]["en"] = "Is there a team?"
    with pytest.raises(FrameworkChanged, match="assessments use it"):
        framework_load_file(path=write_framework(raw), replace_unused=True)
    with pytest.raises(StateError):
        Framework.objects.get().delete()


def test_a_broken_file_lists_every_problem_and_writes_nothing(write_framework: Write) -> None:
    path = write_framework(broken_raw())
    with pytest.raises(FrameworkFilesInvalid) as caught:
        framework_load_file(path=path)
    problems = {(p.code, p.reason.split(":")[0]) for p in caught.value.by_path[path]}
    assert {code for code, _ in problems} >= {"A.p.m", "A.p.m.1.b", "B.1.a"}
    assert not Framework.objects.exists()
    assert not Node.objects.exists()


def test_one_bad_file_stops_all_files(write_framework: Write) -> None:
    good = tiny_raw()
    good["key"] = "tiny-two"
    paths = [write_framework(good, "good.yaml"), write_framework(broken_raw(), "bad.yaml")]
    with pytest.raises(FrameworkFilesInvalid) as caught:
        framework_load_files(paths=paths)
    assert list(caught.value.by_path) == [paths[1]]
    assert not Framework.objects.exists()


def test_a_refused_file_rolls_back_the_files_loaded_before_it(write_framework: Write) -> None:
    framework_load_file(path=TINY_PATH)
    other = tiny_raw()
    other["key"] = "tiny-two"
    changed = tiny_raw()
    find_node(changed, "A.p.m.1.a")["question"]["id"] = "Berubah"
    with pytest.raises(FrameworkChanged):
        framework_load_files(
            paths=[write_framework(other, "other.yaml"), write_framework(changed, "changed.yaml")]
        )
    assert list(Framework.objects.values_list("key", flat=True)) == ["tiny"]


def test_the_same_version_in_two_files_is_refused(write_framework: Write) -> None:
    paths = [write_framework(tiny_raw(), "one.yaml"), write_framework(tiny_raw(), "two.yaml")]
    with pytest.raises(FrameworkFilesInvalid) as caught:
        framework_load_files(paths=paths)
    assert "also in" in caught.value.by_path[paths[1]][0].reason


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FrameworkFilesInvalid) as caught:
        framework_load_file(path=tmp_path / "nope.yaml")
    assert caught.value.by_path[tmp_path / "nope.yaml"][0].code == "(file)"


def test_is_in_use_looks_at_relations_from_other_apps(monkeypatch: pytest.MonkeyPatch) -> None:
    framework = framework_load_file(path=TINY_PATH).framework
    assert framework.is_in_use() is False  # Node rows point at it, but they are its own

    found: list[dict[str, Any]] = []

    class Manager:
        def __init__(self, exists: bool) -> None:
            self._exists = exists

        def filter(self, **lookup: Any) -> Manager:
            found.append(lookup)
            return self

        def exists(self) -> bool:
            return self._exists

    def relation(exists: bool) -> SimpleNamespace:
        model = type(
            "Assessment",
            (),
            {
                "_meta": SimpleNamespace(app_label="assessments"),
                "_default_manager": Manager(exists),
            },
        )
        return SimpleNamespace(
            related_model=model,
            one_to_many=True,
            one_to_one=False,
            field=SimpleNamespace(name="framework"),
        )

    monkeypatch.setattr(Framework._meta, "related_objects", (relation(False),))
    assert framework.is_in_use() is False
    monkeypatch.setattr(Framework._meta, "related_objects", (relation(False), relation(True)))
    assert framework.is_in_use() is True
    assert found[-1] == {"framework": framework}


def test_compiled_framework_is_cached_per_content() -> None:
    framework = framework_load_file(path=TINY_PATH).framework
    compiled = compiled_framework(framework)
    assert compiled.key == "tiny"
    assert compiled.content_hash == framework.content_hash
    assert compiled_framework(Framework.objects.get()) is compiled


# --- the command --------------------------------------------------------------------------


def test_command_loads_a_folder(tmp_path: Path, write_framework: Write) -> None:
    write_framework(tiny_raw(), "tiny.yaml")
    out = StringIO()
    call_command("load_frameworks", str(tmp_path), stdout=out)
    assert "created: tiny v1 (23 nodes)" in out.getvalue()
    out = StringIO()
    call_command("load_frameworks", str(tmp_path), stdout=out)
    assert "unchanged: tiny v1" in out.getvalue()


def test_command_prints_every_problem(write_framework: Write) -> None:
    path = write_framework(broken_raw())
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was loaded") as caught:
        call_command("load_frameworks", str(path), stderr=err)
    assert caught.value.returncode == 2
    lines = err.getvalue().splitlines()
    assert f"{path}: A.p.m: children weights sum to 29, not to the node weight 30" in lines
    assert any(line.startswith(f"{path}: A.p.m.1.b: ABC needs exactly 3 options") for line in lines)
    assert any(line.startswith(f"{path}: B.1.a: type:") for line in lines)
    assert not Framework.objects.exists()


def test_command_refuses_a_changed_file(write_framework: Write) -> None:
    call_command("load_frameworks", str(TINY_PATH), stdout=StringIO())
    raw = tiny_raw()
    find_node(raw, "B.1.b")["weight"] = 4
    find_node(raw, "B.1.a")["weight"] = 18.5
    with pytest.raises(CommandError, match="new version"):
        call_command("load_frameworks", str(write_framework(raw)), stdout=StringIO())
