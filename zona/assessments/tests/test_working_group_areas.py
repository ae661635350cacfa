"""Working-group areas are what the framework files declare, never guessed from item codes."""

from __future__ import annotations

import pytest
import yaml

from zona.accounts.areas import lke_areas, split_areas
from zona.accounts.models import Role, RoleAssignment
from zona.accounts.services import role_assign
from zona.assessments.services import working_group_set_areas
from zona.assessments.sheet import sheet_spec
from zona.assessments.tests.factories import MINI
from zona.core.errors import ValidationFailed
from zona.frameworks.services import framework_load_file


def _member(world):
    return RoleAssignment.objects.get(user=world["wg_member"])


def test_the_sheet_framework_decides_the_areas_and_their_order(world, assessment):
    framework = assessment.period.framework
    saved = working_group_set_areas(
        actor=world["operator"],
        unit=world.bandung,
        assignment_id=_member(world).pk,
        areas=["B", "1"],
        framework=framework,
    )
    assert saved.lke_areas == ["1", "B"]
    # The mini framework has no area 3, although 90/2021 has one.
    with pytest.raises(ValidationFailed) as refused:
        working_group_set_areas(
            actor=world["operator"],
            unit=world.bandung,
            assignment_id=_member(world).pk,
            areas=["3"],
            framework=framework,
        )
    assert [(p.code, p.field) for p in refused.value.problems] == [("invalid", "areas")]
    assert _member(world).lke_areas == ["1", "B"]


def test_item_areas_come_from_the_file_not_the_code(assessment):
    spec = sheet_spec(assessment.period.framework)
    assert [a.key for a in spec.areas] == ["1", "2", "B"]
    by_area: dict[str | None, set[str]] = {}
    for code, item in spec.items.items():
        by_area.setdefault(item.area, set()).add(code.split(".")[0])
    # Area 1 takes items of Pemenuhan and Reform alike; every item is in a declared area.
    assert set(by_area) == {"1", "2", "B"}
    assert len({item.section for item in spec.items.values() if item.area == "1"}) == 2


def test_without_a_framework_there_is_no_area_to_choose(db):
    assert lke_areas() == ()
    assert split_areas(["1"]) == ([], ["1"])


def test_roles_name_the_areas_of_the_newest_version_of_each_framework(db, tmp_path):
    framework_load_file(path=MINI)
    assert [a.key for a in lke_areas()] == ["1", "2", "B"]
    assert split_areas(["b", "2", "7"]) == (["2", "B"], ["7"])

    raw = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    raw["version"] = 2
    raw["areas"][0]["key"] = "change"
    for node in raw["nodes"][0]["children"]:
        for child in node["children"]:
            if child.get("area") == "1":
                child["area"] = "change"
    newer = tmp_path / "mini-v2.yaml"
    newer.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    framework_load_file(path=newer)
    areas = lke_areas()
    assert [a.key for a in areas] == ["change", "2", "B"]
    assert areas[0].title_en == "Area 1 · Change management"


def test_the_working_group_page_names_areas_as_the_framework_does(client_for, world, assessment):
    from django.urls import reverse

    from zona.assessments.services import answer_save

    answer_save(
        actor=world["wg_member"],
        assessment=assessment,
        item_code="A.p.m.1.a",
        revision=0,
        value="Ya",
    )
    page = client_for(world["operator"]).get(
        reverse("assessments:working_group", args=[assessment.pk])
    )
    html = page.content.decode()
    for name in ("Area 1 · Manajemen Perubahan", "Area 2 · Penataan Tatalaksana", "B · Hasil"):
        assert f">{name}</label>" in html
    # The member's change counts under her area's name.
    assert "Area 1 · Manajemen Perubahan: 1" in html


def test_the_worlds_working_group_areas_pass_the_service_once_a_framework_is_loaded(
    world, framework
):
    # build_world writes the working-group role directly (it runs before any framework is
    # loaded); these are areas role_assign accepts as soon as the tiny framework is.
    areas = _member(world).lke_areas
    given = role_assign(
        actor=world["sysadmin"],
        user=world["viewer"],
        role=Role.WORKING_GROUP,
        unit=world.bandung,
        lke_areas=areas,
    )
    assert given.lke_areas == areas == ["1", "2"]
