"""How fast is LKE scoring? Scores random full worksheets of the shipped 90/2021 framework.

    .venv/bin/python bench/scoring.py [--sheets 10000] [--seed 1] [--framework PATH]

No database: the framework is parsed from its YAML and compiled once, as
`zona.frameworks.selectors.compiled_framework` does for a loaded version. Prints the time to
score the sheets (every node, the total, a penalty and both verdicts) and the ratio to a plain
Python `sum()` over the same item values, the floor any scoring code has to pay.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from zona.frameworks.schema import parse_framework  # noqa: E402
from zona.frameworks.scoring import (  # noqa: E402
    CompiledFramework,
    Penalty,
    compile_framework,
    item_value,
    score,
)


def random_sheet(fw: CompiledFramework, rng: random.Random) -> dict[str, Any]:
    sheet: dict[str, Any] = {}
    for code, item in fw.items.items():
        if item.options:
            sheet[code] = rng.choice(list(item.options))
        elif item.answer_type == "NUM4":
            sheet[code] = Decimal(rng.randint(0, 400)) / 100
        else:
            sheet[code] = {key: rng.randint(0, 60) for key in item.required_counts}
    return sheet


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheets", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--framework", type=Path, default=ROOT / "frameworks" / "permenpan-rb-90-2021.yaml"
    )
    args = parser.parse_args()

    started = time.perf_counter()
    fw = compile_framework(parse_framework(args.framework.read_text(encoding="utf-8")))
    compile_seconds = time.perf_counter() - started

    rng = random.Random(args.seed)
    sheets = [random_sheet(fw, rng) for _ in range(args.sheets)]
    penalties = [Penalty(kind="multiply", factor=Decimal("0.95"))]

    started = time.perf_counter()
    for sheet in sheets:
        score(fw, sheet, penalties=penalties, held_predicates={"wbk"})
    scoring_seconds = time.perf_counter() - started

    # The same numbers as plain floats, summed: no weights, no tree, no Decimal.
    values = [
        [float(item_value(fw.items[code], answer) or 0) for code, answer in sheet.items()]
        for sheet in sheets
    ]
    started = time.perf_counter()
    for row in values:
        sum(row)
    sum_seconds = time.perf_counter() - started

    items = len(fw.items)
    print(f"framework         {fw.key} v{fw.version}: {items} items, {len(fw.plan)} plan steps")
    print(f"compile once      {compile_seconds * 1000:.1f} ms (parse and validate included)")
    print(
        f"score {args.sheets:,} sheets {scoring_seconds:.3f} s "
        f"({scoring_seconds / args.sheets * 1e6:.0f} us per sheet)"
    )
    print(f"plain sum()       {sum_seconds:.4f} s over the same {items} values per sheet")
    print(f"ratio             {scoring_seconds / sum_seconds:.0f}x a plain Python sum")


if __name__ == "__main__":
    main()
