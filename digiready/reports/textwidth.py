"""Width of a text in the report's font (DejaVu Sans), from the font's own advance widths.

Charts place labels and legends, and tables size their columns, from these widths, so a
label is never cut at the chart's edge and a word never breaks across lines. fontTools comes
with WeasyPrint; without the font file a generous average width is used instead.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

FONT_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu",
             "/usr/local/share/fonts", "/Library/Fonts"]
FALLBACK_EM = 0.62  # wider than DejaVu Sans' average letter: errs towards room to spare


@lru_cache(maxsize=2)
def _advances(bold: bool) -> tuple[dict[int, float], float] | None:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        path = Path(folder) / name
        if path.is_file():
            break
    else:
        return None
    try:
        from fontTools.ttLib import TTFont
    except ImportError:
        return None
    font = TTFont(str(path), lazy=True)
    units = font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    cmap = font.getBestCmap()
    widths = {code: metrics[glyph][0] / units for code, glyph in cmap.items() if glyph in metrics}
    average = sum(widths.values()) / len(widths) if widths else FALLBACK_EM
    font.close()
    return widths, max(average, FALLBACK_EM)


def text_width_em(text: str, *, bold: bool = False) -> float:
    """Width of ``text`` in em (multiply by the font size for pixels or points)."""
    table = _advances(bold)
    if table is None:
        return len(text) * FALLBACK_EM
    widths, default = table
    return sum(widths.get(ord(ch), default) for ch in text)


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    return text_width_em(text, bold=bold) * size


def wrap(text: str, size: float, width: float) -> list[str]:
    """Lines of ``text`` that fit ``width`` at ``size``, broken between words only (a word
    longer than the line stays whole on its own line: the caller sizes the chart for it)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and text_width(candidate, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines or [""]
