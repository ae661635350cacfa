"""House rules that a linter cannot see. Run by `make lint` (and so by `make test`).

1. Only config/env.py reads the environment.
2. Every user-facing msgid has an Indonesian translation (the default language):
   regenerates a copy of each app's id catalogue (the committed files are never
   rewritten) and fails on any msgid without an Indonesian msgstr.
3. Views and API modules fetch protected objects through access functions, never
   `get_object_or_404`.
4. Views and API modules never query a protected model themselves (`Model.objects`,
   `Model._default_manager`): one object by id comes from an access function (the
   same 404 for missing and forbidden), anything else from a selector. Protected means
   every model in a zona app's models module except the reference data in REFERENCE
   (frameworks and survey instruments, the same for every unit). The one exception is
   `Model.objects.none()` as a form field's empty queryset, filled in by the form.
   A view module is any module in a `views` or `api` folder or named `views.py`;
   tests are exempt.
5. A lifecycle's status changes only through the workflow (zona/workflow/, engine.apply):
   no `x.status = ...`, `setattr(x, "status", ...)` or `.update(status=...)` elsewhere,
   except the non-workflow statuses listed with their reason in scripts/status_rule.py.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from i18n_fill import untranslated  # scripts/ is on sys.path when run as a script
from status_rule import check_status_writes

ROOT = Path(__file__).resolve().parent.parent
APPS = sorted(p.parent for p in (ROOT / "zona").glob("*/apps.py"))
problems: list[str] = []

# Reference data: the same rows for every unit, so views may read them directly.
REFERENCE = {"Framework", "Node", "Instrument", "InstrumentVersion"}
MODEL_FILES = [*(ROOT / "zona").glob("*/models.py"), *(ROOT / "zona").glob("*/models/*.py")]
MODEL_CLASS = re.compile(r"^class (\w+)\((?:[\w.]*Model|MP_Node|AbstractUser)\b", re.M)
PROTECTED = {
    name for f in MODEL_FILES for name in MODEL_CLASS.findall(f.read_text(encoding="utf-8"))
} - REFERENCE
MODEL_QUERY = re.compile(
    r"\b(" + "|".join(sorted(PROTECTED)) + r")\s*\.\s*(?:objects|_default_manager)\b"
)
# What a form field's empty queryset is preceded by: `queryset=` or `...Field(`.
FIELD_NONE = re.compile(r"(?:queryset\s*=\s*|Field\(\s*)$")


def is_view_module(path: Path) -> bool:
    rel = path.relative_to(ROOT)
    if "tests" in rel.parts or rel.name.startswith("test_"):
        return False
    return rel.name == "views.py" or "views" in rel.parts or "api" in rel.parts


for path in (ROOT / "zona").rglob("*.py"):
    text = path.read_text(encoding="utf-8")
    if is_view_module(path):
        for m in MODEL_QUERY.finditer(text):
            rest = text[m.end() :]
            before = text[max(0, m.start() - 40) : m.start()]
            if re.match(r"\s*\.\s*none\(\)", rest) and FIELD_NONE.search(before):
                continue
            line = text.count("\n", 0, m.start()) + 1
            problems.append(
                f"{path.relative_to(ROOT)}:{line}: queries {m.group(1)} directly; "
                "use an access function or a selector"
            )
    if re.search(r"\bos\.(environ|getenv)\b", text) and "tests" not in path.parts:
        problems.append(f"{path.relative_to(ROOT)}: reads the environment; use config/env.py")
    if is_view_module(path) and "get_object_or_404" in text:
        problems.append(
            f"{path.relative_to(ROOT)}: uses get_object_or_404; "
            "use an access_<entity>_by_id function"
        )

problems.extend(check_status_writes(ROOT))

env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.test", PYTHONPATH=str(ROOT))
django_admin = str(ROOT / ".venv" / "bin" / "django-admin")


# Each app's own catalogue, plus one for the project-wide templates in zona/templates
# (base.html, the allauth overrides), kept in zona/locale (LOCALE_PATHS).
CATALOGUES = [(app, app / "locale") for app in APPS if any(app.rglob("*.py"))]
CATALOGUES.append((ROOT / "zona" / "templates", ROOT / "zona" / "locale"))

# makemessages runs on a copy of each source tree, with a copy of its catalogue: linting
# reads the committed catalogues and never rewrites them (scripts/i18n_fill.py does that).
with tempfile.TemporaryDirectory() as tmp:
    for source, locale in CATALOGUES:
        work = Path(tmp) / source.relative_to(ROOT)
        shutil.copytree(
            source,
            work,
            ignore=shutil.ignore_patterns("locale", "tests", "static", "__pycache__", "*.mo"),
        )
        committed = locale / "id" / "LC_MESSAGES" / "django.po"
        po = work / "locale" / "id" / "LC_MESSAGES" / "django.po"
        po.parent.mkdir(parents=True)
        if committed.exists():
            shutil.copy(committed, po)
        result = subprocess.run(  # noqa: S603 (fixed argv, no user input)
            [django_admin, "makemessages", "-l", "id", "--no-obsolete", "-v", "0"],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        name = source.relative_to(ROOT)
        if result.returncode != 0:
            problems.append(f"makemessages failed in {name}: {result.stderr.strip()}")
            continue
        # An app without a translatable string (yet) has no catalogue to check.
        for msgid in untranslated(po) if po.exists() else []:
            problems.append(
                f"{name}: no Indonesian translation for {msgid!r} "
                f"(add it with scripts/i18n_fill.py {name} FILE.json)"
            )

if problems:
    print("House rules broken:")
    for p in problems:
        print(" -", p)
    sys.exit(1)
print("House rules: ok")
