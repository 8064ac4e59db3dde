"""Slides drawn from the script with Pillow: the title, what the learner will learn, each
paragraph's key sentence, the economy's own tool names, and the weekly task.

Drawn at 1280×720 and scaled down for the 360p rendition: body text is at least 56 px here,
16 CSS px when the video is 360 px wide on a phone. Colours are the project's (the LTI
pages' blue #0b4f8a and focus orange #b35c00), each pair at least 4.5:1.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from digiready.media.labels import label

WIDTH, HEIGHT = 1280, 720
MARGIN = 80
BLUE, ORANGE, INK, PAPER, PALE = "#0b4f8a", "#b35c00", "#1a1a1a", "#f4f7fb", "#dce9f5"
MIN_BODY_PX = 56  # 56 × 360/1280 ≈ 16 CSS px on a 360 px wide phone
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/noto",
             "/usr/share/fonts/opentype/noto", "/usr/local/share/fonts")
FONT_FILES = {True: ("DejaVuSans-Bold.ttf", "NotoSans-Bold.ttf"), False: ("DejaVuSans.ttf", "NotoSans-Regular.ttf")}


@dataclass(frozen=True)
class Slide:
    kind: str  # title, objectives, sentence, local, task
    heading: str
    lines: tuple[str, ...]  # the body: one item each (wrapped when drawn)


def plan(title: str, objectives: list[str], key_sentences: list[str], task: str | None,
         local_names: list[str], economy_name: str | None, language: str) -> dict[str, list[Slide]]:
    """The slides for each part of the video (see :func:`digiready.media.build`)."""
    opening = [Slide("title", economy_name or "DigiReady", (title,))]
    learn = [Slide("objectives", label(language, "learn"), tuple(chunk))
             for chunk in _chunks(objectives, 2)]
    body = [Slide("sentence", title, (s,)) for s in key_sentences]
    local = ([Slide("local", label(language, "local", economy=economy_name or ""), tuple(local_names[:6]))]
             if local_names and economy_name else [])
    closing = [Slide("task", label(language, "task"), (task,))] if task else []
    return {"opening": opening, "learn": learn, "body": body, "local": local, "closing": closing}


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def draw(slide: Slide, path: Path) -> None:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (WIDTH, HEIGHT), BLUE if slide.kind == "title" else PAPER)
    d = ImageDraw.Draw(img)
    if slide.kind == "title":
        _logo(d, MARGIN, MARGIN)
        d.text((MARGIN + 110, MARGIN + 14), slide.heading, font=_font(48, True), fill="#ffffff")
        _block(d, slide.lines[0], top=250, bottom=HEIGHT - MARGIN, sizes=(84, 72, 64), fill="#ffffff", bold=True)
    else:
        band = ORANGE if slide.kind == "task" else BLUE
        d.rectangle([0, 0, WIDTH, 130], fill=band)
        head_font = _fit_font(d, slide.heading, WIDTH - 2 * MARGIN, (52, 44, 40), bold=True)
        d.text((MARGIN, 65), slide.heading, font=head_font, fill="#ffffff", anchor="lm")
        if slide.kind in ("objectives", "local"):
            _list(d, list(slide.lines), top=170)
        else:
            _block(d, slide.lines[0], top=170, bottom=HEIGHT - 60, sizes=(80, 72, 64, MIN_BODY_PX), fill=INK, bold=True)
    img.save(path)  # a working file (BMP): ffmpeg decodes it fast


def poster(slide_png: Path, path: Path, size: tuple[int, int] = (640, 360)) -> None:
    """A small JPEG of the title slide: the only byte a page loads before play."""
    from PIL import Image

    with Image.open(slide_png) as img:
        img.convert("RGB").resize(size, Image.LANCZOS).save(path, "JPEG", quality=70, optimize=True, progressive=True)


def _logo(d, x: int, y: int) -> None:
    d.rounded_rectangle([x, y, x + 84, y + 84], radius=16, fill="#ffffff")
    d.text((x + 42, y + 44), "D", font=_font(60, True), fill=BLUE, anchor="mm")


def _block(d, text: str, *, top: int, bottom: int, sizes: tuple[int, ...], fill: str, bold: bool) -> None:
    """``text`` wrapped at the largest size that fits between ``top`` and ``bottom``."""
    width = WIDTH - 2 * MARGIN
    for size in sizes:
        font = _font(size, bold)
        lines = _wrap(d, text, font, width)
        height = len(lines) * int(size * 1.25)
        if height <= bottom - top or size == sizes[-1]:
            break
    y = top + max(0, (bottom - top - height) // 2)
    for line in lines:
        d.text((MARGIN, y), line, font=font, fill=fill)
        y += int(size * 1.25)


def _list(d, items: list[str], *, top: int) -> None:
    for size in (64, 60, MIN_BODY_PX):
        font = _font(size, False)
        wrapped = [_wrap(d, item, font, WIDTH - 2 * MARGIN - 50) for item in items]
        height = sum(len(w) for w in wrapped) * int(size * 1.2) + (len(items) - 1) * 24
        if height <= HEIGHT - top - 40:
            break
    y = top
    for lines in wrapped:
        d.ellipse([MARGIN, y + size * 0.35, MARGIN + 22, y + size * 0.35 + 22], fill=ORANGE)
        for line in lines:
            d.text((MARGIN + 50, y), line, font=font, fill=INK)
            y += int(size * 1.2)
        y += 24


def _wrap(d, text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and d.textlength(lines[-1] + " " + word, font=font) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _fit_font(d, text: str, width: int, sizes: tuple[int, ...], bold: bool):
    for size in sizes:
        font = _font(size, bold)
        if d.textlength(text, font=font) <= width:
            return font
    return font


_FONTS: dict[tuple[int, bool], object] = {}


def _font(size: int, bold: bool):
    from PIL import ImageFont

    key = (size, bold)
    if key not in _FONTS:
        _FONTS[key] = None
        for folder in FONT_DIRS:
            for name in FONT_FILES[bold]:
                if (Path(folder) / name).is_file():
                    _FONTS[key] = ImageFont.truetype(str(Path(folder) / name), size)
                    break
            if _FONTS[key] is not None:
                break
        if _FONTS[key] is None:  # Pillow's own scalable font (no system fonts installed)
            _FONTS[key] = ImageFont.load_default(size)
    return _FONTS[key]
