"""Real plots for the PDFs: matplotlib figures rendered as SVG, embedded as data URIs.

The object API only (`Figure`, never pyplot): pyplot keeps global state and is not safe in
a threaded web process. matplotlib is imported here, where charts are drawn, so web
processes that never write a PDF do not pay for it.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Sequence
from decimal import Decimal

Number = Decimal | float | int

PRIMARY = "#0a2540"
PALETTE = ("#1f4e79", "#2e75b6", "#70ad47", "#ffc000", "#c00000", "#7030a0")


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    fig.patch.set_facecolor("white")
    return fig


def _svg_uri(fig) -> str:
    out = io.StringIO()
    fig.savefig(out, format="svg", bbox_inches="tight")
    data = out.getvalue().encode("utf-8")
    return "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")


def threshold_bars(
    bars: Sequence[tuple[str, Number]],
    thresholds: Sequence[tuple[str, Number]],
    *,
    maximum: Number,
) -> str:
    """Horizontal bars (one per score view) with a vertical line per predicate threshold."""
    fig = _figure(6.5, 0.6 + 0.45 * max(1, len(bars)))
    ax = fig.add_subplot()
    labels = [label for label, _value in bars]
    values = [float(value) for _label, value in bars]
    positions = list(range(len(bars)))[::-1]
    ax.barh(positions, values, color=PALETTE[1], height=0.6)
    ax.set_yticks(positions, labels)
    ax.set_xlim(0, float(maximum) or 100)
    for position, value in zip(positions, values, strict=True):
        ax.text(value + 0.5, position, _num(value), va="center", fontsize=8)
    for index, (title, bound) in enumerate(thresholds):
        colour = PALETTE[(index + 3) % len(PALETTE)]
        ax.axvline(
            float(bound),
            color=colour,
            linestyle="--",
            linewidth=1.5,
            label=f"{title} ≥ {_num(float(bound))}",
        )
    if thresholds:
        ax.legend(
            fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, frameon=False
        )
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)
    return _svg_uri(fig)


def radar(labels: Sequence[str], values: Sequence[Number]) -> str:
    """The areas as a share of their maximum (0-100), on a polar plot (bars under three
    areas, where a radar has no shape)."""
    if len(labels) < 3:
        return threshold_bars(list(zip(labels, values, strict=True)), [], maximum=100)
    fig = _figure(4.6, 4.6)
    ax = fig.add_subplot(projection="polar")
    count = max(1, len(labels))
    angles = [2 * math.pi * i / count for i in range(count)]
    points = [float(v) for v in values] or [0.0]
    ax.plot([*angles, angles[0]], [*points, points[0]], color=PALETTE[1], linewidth=2)
    ax.fill([*angles, angles[0]], [*points, points[0]], color=PALETTE[1], alpha=0.25)
    ax.set_xticks(angles, [_wrap(label) for label in labels] or [""], fontsize=7)
    ax.set_ylim(0, 100)
    ax.set_yticks([25, 50, 75, 100], ["25", "50", "75", "100"], fontsize=6)
    return _svg_uri(fig)


def lines(
    labels: Sequence[str], series: Sequence[tuple[str, Sequence[Number | None]]], *, top: Number
) -> str:
    """One line per series over the labels (rounds); gaps where a value is missing."""
    fig = _figure(6.5, 2.8)
    ax = fig.add_subplot()
    xs = list(range(len(labels)))
    for index, (name, values) in enumerate(series):
        ys = [math.nan if v is None else float(v) for v in values]
        ax.plot(xs, ys, marker="o", label=name, color=PALETTE[index % len(PALETTE)])
    ax.set_xticks(xs, [_wrap(label, 14) for label in labels], fontsize=7)
    ax.set_ylim(0, float(top))
    ax.grid(axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    if series:
        ax.legend(fontsize=7, loc="lower right")
    return _svg_uri(fig)


def columns(
    labels: Sequence[str],
    values: Sequence[Number | None],
    *,
    top: Number,
    marked: Sequence[bool] = (),
) -> str:
    """Vertical bars (the SKM elements' NRR), the marked ones (weakest) in red."""
    fig = _figure(6.5, 2.6)
    ax = fig.add_subplot()
    xs = list(range(len(labels)))
    heights = [0.0 if v is None else float(v) for v in values]
    colours = [PALETTE[4] if (marked and marked[i]) else PALETTE[1] for i in xs]
    ax.bar(xs, heights, color=colours)
    for x, h in zip(xs, heights, strict=True):
        ax.text(x, h + float(top) / 50, _num(h), ha="center", fontsize=7)
    ax.set_xticks(xs, list(labels), fontsize=7)
    ax.set_ylim(0, float(top))
    ax.spines[["top", "right"]].set_visible(False)
    return _svg_uri(fig)


def _num(value: float, places: int = 2) -> str:
    """A figure as the page's tables show it (a decimal comma in Indonesian)."""
    from django.utils import formats

    return str(formats.number_format(round(value, places), places))


def _wrap(label: str, width: int = 18) -> str:
    words, line, out = label.split(), "", []
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        out.append(line)
    return "\n".join(out[:3])
