"""Validate framework files without a database: `scripts/check_frameworks.py FILE...`.

The pre-commit hook runs it on changed files under frameworks/; `load_frameworks` applies
the same schema when it loads. Prints every problem with its node code; exit 1 on any.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from zona.frameworks.schema import FrameworkInvalid, parse_framework  # noqa: E402


def main(paths: list[str]) -> int:
    failed = 0
    for name in paths or [str(p) for p in sorted((ROOT / "frameworks").glob("*.yaml"))]:
        try:
            parse_framework(Path(name).read_text(encoding="utf-8"))
        except FrameworkInvalid as exc:
            failed += 1
            for problem in exc.framework_problems:
                print(f"{name}: {problem}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
