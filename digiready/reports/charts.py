"""Report charts as small hand-written SVG (no plotting library): horizontal bars (reusing
:func:`digiready.presentation.charts.bar_chart_svg`), 100 % stacked bars and a line chart.

Every chart has a ``<title>`` and a ``<desc>`` listing its values; the builders add a text
alternative and the data table beside each one, so no figure is only visual.
"""
from __future__ import annotations

import base64
from html import escape

from digiready.reports.textwidth import text_width, wrap

# Colour-blind-safe palette (Okabe-Ito), dark enough for white text where it is used.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]

__all__ = ["bar_chart_svg", "data_uri", "line_chart_svg", "stacked_bars_svg"]


DASHES = ["", "6 3", "2 2", "8 3 2 3", "1 3"]


def bar_chart_svg(rows: list[tuple[str, float]], *, title: str, chart_id: str,
                  max_value: float = 100, unit: str = "", width: int = 520) -> str:
    """Horizontal bars, one per (label, value), each label above its bar, wrapped between
    words to the chart's width (never cut), the value at the bar's end."""
    size, bar_h = 12, 16
    value_w = max([text_width(f"{v:g}{unit}", size) for _l, v in rows] or [0]) + 8
    span = width - value_w
    desc = "; ".join(f"{label}: {value:g}{unit}" for label, value in rows)
    body, y = [], 0.0
    for label, value in rows:
        lines = wrap(label, size, width)
        for i, line in enumerate(lines):
            body.append(f'<text x="0" y="{y + 12 + i * 15:.1f}" font-size="{size}" '
                        f'fill="#1a1a1a">{escape(line)}</text>')
        y += 15 * len(lines) + 2
        bar = max(0.0, min(1.0, value / max_value if max_value else 0.0)) * span
        body.append(f'<rect x="0" y="{y:.1f}" width="{span:.1f}" height="{bar_h}" fill="#e6e6e6"/>')
        body.append(f'<rect x="0" y="{y:.1f}" width="{bar:.1f}" height="{bar_h}" fill="#0b5cad"/>')
        body.append(f'<text x="{span + 4:.1f}" y="{y + bar_h - 3:.1f}" font-size="{size}" '
                    f'fill="#1a1a1a">{value:g}{escape(unit)}</text>')
        y += bar_h + 10
    height = int(max(y, 20)) + 2
    return "".join([*_header(width, height, chart_id, title, desc), *body, "</svg>"])


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _header(width: int, height: int, chart_id: str, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" font-family="DejaVu Sans, sans-serif" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]


def _legend_layout(labels: list[str], width: int) -> list[tuple[float, float, list[str]]]:
    """(x, y offset, lines) per legend entry: entries side by side while they fit, a label
    too long for the width wrapped between words over several lines."""
    out, x, y, row_h = [], 0.0, 0.0, 18.0
    for label in labels:
        lines = wrap(label, 11, width - 26)
        w = 26 + max(text_width(line, 11) for line in lines)
        if x and x + w > width:
            x, y, row_h = 0.0, y + row_h, 18.0
        out.append((x, y, lines))
        row_h = max(row_h, 14.0 * len(lines) + 4)
        x += w
    return out


def legend_height(labels: list[str], width: int) -> int:
    """Height the legend needs at ``width``."""
    layout = _legend_layout(labels, width)
    if not layout:
        return 0
    return int(max(y + 14 * len(lines) + 4 for _x, y, lines in layout)) + 2


def _legend(parts: list[str], labels: list[str], y: float, width: int) -> None:
    for i, (x, dy, lines) in enumerate(_legend_layout(labels, width)):
        parts.append(f'<rect x="{x:.1f}" y="{y + dy:.1f}" width="12" height="12" '
                     f'fill="{PALETTE[i % len(PALETTE)]}"/>')
        for n, line in enumerate(lines):
            parts.append(f'<text x="{x + 16:.1f}" y="{y + dy + 11 + 14 * n:.1f}" '
                         f'font-size="11" fill="#1a1a1a">{escape(line)}</text>')


def stacked_bars_svg(rows: list[tuple[str, list[float]]], categories: list[str], *,
                     title: str, chart_id: str, width: int = 520) -> str:
    """One 100 % bar per row (e.g. economy), split into categories (e.g. levels)."""
    bar_h, gap = 22, 10
    label_w = min(int(max([text_width(label, 12) for label, _v in rows] or [40])) + 10,
                  width // 3)
    top = 4
    height = top + len(rows) * (bar_h + gap) + 6 + legend_height(categories, width) + 4
    desc = "; ".join(f"{label}: " + ", ".join(f"{c} {v:.1f}%" for c, v in zip(categories, vals, strict=True))
                     for label, vals in rows)
    parts = _header(width, height, chart_id, title, desc)
    span = width - label_w - 10
    for n, (label, values) in enumerate(rows):
        y = top + n * (bar_h + gap)
        lines = wrap(label, 12, label_w - 6)
        for i, line in enumerate(lines[:2]):
            parts.append(f'<text x="0" y="{y + (15 if len(lines) == 1 else 9 + 12 * i)}" '
                         f'font-size="{12 if len(lines) == 1 else 10}" '
                         f'fill="#1a1a1a">{escape(line)}</text>')
        x = float(label_w)
        total = sum(values) or 1.0
        for i, value in enumerate(values):
            w = span * value / total
            if w <= 0:
                continue
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                         f'fill="{PALETTE[i % len(PALETTE)]}"/>')
            if w > text_width(f"{value:.0f}%", 10) + 6:
                parts.append(f'<text x="{x + 3:.1f}" y="{y + 15}" font-size="10" '
                             f'fill="#ffffff">{value:.0f}%</text>')
            x += w
    _legend(parts, categories, top + len(rows) * (bar_h + gap) + 6, width)
    parts.append("</svg>")
    return "".join(parts)


def line_chart_svg(series: dict[str, list[tuple[str, float]]], *, title: str, chart_id: str,
                   width: int = 520, height: int | None = None, unit: str = "") -> str:
    """One line per series over shared x labels (e.g. months)."""
    xs = sorted({x for points in series.values() for x, _ in points})
    ymax = max((v for points in series.values() for _, v in points), default=1) or 1
    left = int(text_width(f"{ymax:.0f}", 10)) + 8
    right = int(text_width(max(xs, key=len) if xs else "", 10) / 2) + 6
    top = 10
    legend_h = legend_height(list(series), width)
    height = height or 180 + legend_h
    plot_w, plot_h = width - left - right, height - top - 22 - legend_h - 8
    desc = "; ".join(f"{name}: " + ", ".join(f"{x} {v:g}{unit}" for x, v in points)
                     for name, points in series.items())
    parts = _header(width, height, chart_id, title, desc)
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" '
                 f'y2="{top + plot_h}" stroke="#555"/>')
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#555"/>')
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        parts.append(f'<text x="0" y="{y + 4:.1f}" font-size="10" fill="#1a1a1a">'
                     f'{ymax * frac:.0f}</text>')

    def xpos(i: int) -> float:
        return left + (plot_w * i / (len(xs) - 1) if len(xs) > 1 else plot_w / 2)

    label_w = max([text_width(x, 10) for x in xs] or [0]) + 8
    step = max(1, int(label_w * len(xs) / max(plot_w, 1)) + 1)
    for i, x in enumerate(xs):
        if i % step == 0:
            parts.append(f'<text x="{xpos(i):.1f}" y="{top + plot_h + 14}" font-size="10" '
                         f'text-anchor="middle" fill="#1a1a1a">{escape(x)}</text>')
    for k, points in enumerate(series.values()):
        colour = PALETTE[k % len(PALETTE)]
        lookup = dict(points)
        coords = [f"{xpos(i):.1f},{top + plot_h * (1 - lookup[x] / ymax):.1f}"
                  for i, x in enumerate(xs) if x in lookup]
        dash = DASHES[k % len(DASHES)]
        if coords:
            parts.append(f'<polyline points="{" ".join(coords)}" fill="none" '
                         f'stroke="{colour}" stroke-width="2"'
                         + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
            for c in coords:  # markers, so overlapping lines stay visible
                x, y = c.split(",")
                parts.append(f'<circle cx="{x}" cy="{y}" r="2.5" fill="{colour}"/>')
    _legend(parts, list(series), top + plot_h + 24, width)
    parts.append("</svg>")
    return "".join(parts)
