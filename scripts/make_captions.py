#!/usr/bin/env python3
"""Build WebVTT captions for a DigiReady module from its spoken script.

Usage:
    python scripts/make_captions.py content/base/modules/<module-id>
    python scripts/make_captions.py content/base/modules/<module-id> --lang es
    python scripts/make_captions.py content/economies/pe/modules/<module-id> --lang es
    python scripts/make_captions.py content/base/modules/*  --check
    python scripts/make_captions.py content/base/modules/<module-id> --fix-duration

What it does:
  * reads ``module.yaml`` in the folder (PyYAML) for ``duration_seconds`` and the names of
    the script and captions files (default ``script.md`` / ``captions.vtt``). With
    ``--lang xx`` it reads ``script.xx.md`` and writes ``captions.xx.vtt``. A translated
    script in an overlay folder without its own ``module.yaml`` takes the duration from the
    base module of the same id (``content/base/modules/<id>/module.yaml``), or from
    ``--duration SECONDS``.
  * skips an optional first-line title (a line starting with ``#``); every other word of the
    script is spoken and goes into the captions.
  * splits the text into cues of at most 2 lines and about 84 characters, at sentence
    boundaries first, then at clause boundaries (, ; : and dashes), then between words.
  * times the cues in proportion to their number of words, from 0 to ``duration_seconds``:
    cues are in order, never overlap, and the last one ends exactly at the duration.
  * the text of all cues, joined with spaces, equals the script's words in order, so the
    captions carry the whole script (``--check`` verifies this for existing files).

Options:
  --check         do not write; verify that the captions exist, carry the whole script in
                  order, and end at duration_seconds. Exit status 1 on any problem.
  --fix-duration  set ``duration_seconds`` in module.yaml to the script length at
                  ``--wpm`` spoken words per minute (default 140) before building captions.
  --duration N    duration in seconds when there is no module.yaml to read it from.

Standard library only, plus PyYAML (in the project's .venv) to read module.yaml.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

MAX_CUE_CHARS = 84
MAX_LINE_CHARS = 42
WPM = 140

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*$")
_CLAUSE_END = re.compile(r"[,;:]$|^[-\u2013\u2014]+$|[\u2013\u2014]$")


def read_module(folder: Path) -> dict:
    path = folder / "module.yaml"
    if not path.is_file():
        return {}
    import yaml  # PyYAML, available in the project's .venv

    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def lang_name(name: str, lang: str | None) -> str:
    """``script.md`` in language ``es`` is ``script.es.md``."""
    if not lang:
        return name
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{lang}.{suffix}" if dot else f"{name}.{lang}"


def script_words(text: str) -> list[str]:
    lines = text.splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines and lines[0].lstrip().startswith("#"):
        lines.pop(0)
    return " ".join(lines).split()


def split_sentences(words: list[str]) -> list[list[str]]:
    sentences, current = [], []
    for word in words:
        current.append(word)
        if _SENTENCE_END.search(word):
            sentences.append(current)
            current = []
    if current:
        sentences.append(current)
    return sentences


def text_len(words: list[str]) -> int:
    return len(" ".join(words))


def split_long(words: list[str]) -> list[list[str]]:
    """Split a sentence longer than MAX_CUE_CHARS at clause boundaries, then between words."""
    if text_len(words) <= MAX_CUE_CHARS:
        return [words]
    clauses, current = [], []
    for word in words:
        current.append(word)
        if _CLAUSE_END.search(word):
            clauses.append(current)
            current = []
    if current:
        clauses.append(current)
    pieces: list[list[str]] = []
    for clause in clauses:
        if text_len(clause) <= MAX_CUE_CHARS:
            pieces.append(clause)
        else:
            pieces.extend(split_even(clause))
    # join neighbouring clauses while they fit in one cue
    merged: list[list[str]] = []
    for piece in pieces:
        if merged and text_len(merged[-1] + piece) <= MAX_CUE_CHARS:
            merged[-1] = merged[-1] + piece
        else:
            merged.append(piece)
    return merged


def split_even(words: list[str]) -> list[list[str]]:
    """Split between words into the fewest cues that fit, of similar length."""
    parts = -(-text_len(words) // MAX_CUE_CHARS)
    while True:
        target = text_len(words) / parts
        chunks, current = [], []
        for word in words:
            if current and text_len(current + [word]) > target + 8 and len(chunks) < parts - 1:
                chunks.append(current)
                current = []
            current.append(word)
        chunks.append(current)
        if all(text_len(c) <= MAX_CUE_CHARS or len(c) == 1 for c in chunks):
            return chunks
        parts += 1


def make_cues(words: list[str]) -> list[list[str]]:
    cues: list[list[str]] = []
    for sentence in split_sentences(words):
        for piece in split_long(sentence):
            # a short sentence shares a cue with the previous short one when both fit
            if cues and text_len(cues[-1]) < 40 and text_len(cues[-1] + piece) <= MAX_CUE_CHARS \
                    and _SENTENCE_END.search(cues[-1][-1]):
                cues[-1] = cues[-1] + piece
            else:
                cues.append(piece)
    # a cue of one or two words flashes by too fast: join it to a neighbour when both fit
    n = 0
    while n < len(cues):
        if len(cues[n]) <= 2 and len(cues) > 1:
            if n + 1 < len(cues) and text_len(cues[n] + cues[n + 1]) <= MAX_CUE_CHARS:
                cues[n:n + 2] = [cues[n] + cues[n + 1]]
                continue
            if n > 0 and text_len(cues[n - 1] + cues[n]) <= MAX_CUE_CHARS:
                cues[n - 1:n + 1] = [cues[n - 1] + cues[n]]
                continue
        n += 1
    return cues


def wrap(words: list[str]) -> str:
    """At most two lines, balanced, each about MAX_LINE_CHARS."""
    text = " ".join(words)
    if len(text) <= MAX_LINE_CHARS or len(words) == 1:
        return text
    best, best_cost = 1, None
    for k in range(1, len(words)):
        a, b = text_len(words[:k]), text_len(words[k:])
        cost = max(a, b)
        if best_cost is None or cost < best_cost:
            best, best_cost = k, cost
    return " ".join(words[:best]) + "\n" + " ".join(words[best:])


def timestamp(ms: int) -> str:
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    seconds, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{ms:03d}"


def build_vtt(words: list[str], duration_s: float) -> str:
    """One cue per sentence, or per part of a long one, by the rules the video build uses
    (digiready.media.captions: at most 42 characters a line, 2 lines, 17 characters a second).
    Each sentence stays up for the time it needs to be read, and the spare time up to the
    duration is shared in the same proportion, so no cue is faster than 17 characters a second
    (when the script fits its duration at that speed; ``--check`` reports when it does not)."""
    import sys as _sys
    _sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from digiready.media.captions import cues_for, seconds_needed, webvtt

    sentences = [" ".join(s) for s in split_sentences(words)]
    needed = [seconds_needed(s) for s in sentences]
    scale = duration_s / sum(needed)
    cues, at = [], 0.0
    for n, (sentence, need) in enumerate(zip(sentences, needed, strict=True)):
        end = duration_s if n == len(sentences) - 1 else at + need * scale
        cues += cues_for(sentence, at, end)
        at = end
    return webvtt(cues)


_TIME = re.compile(r"^(\d{2}):(\d{2}):(\d{2})\.(\d{3}) --> (\d{2}):(\d{2}):(\d{2})\.(\d{3})")


def parse_vtt(text: str) -> list[tuple[int, int, str]]:
    def ms(h, m, s, f):
        return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(f)

    cues, lines = [], text.splitlines()
    i = 0
    while i < len(lines):
        m = _TIME.match(lines[i])
        if m:
            start, end = ms(*m.groups()[:4]), ms(*m.groups()[4:])
            i += 1
            body = []
            while i < len(lines) and lines[i].strip():
                body.append(lines[i].strip())
                i += 1
            cues.append((start, end, " ".join(body)))
        i += 1
    return cues


def check_vtt(vtt: str, words: list[str], duration_s: float) -> list[str]:
    problems = []
    if not vtt.startswith("WEBVTT"):
        problems.append("does not start with WEBVTT")
    cues = parse_vtt(vtt)
    if not cues:
        return problems + ["no cues"]
    previous_end = 0
    for n, (start, end, body) in enumerate(cues, 1):
        if start < previous_end:
            problems.append(f"cue {n} overlaps the previous one")
        if end <= start:
            problems.append(f"cue {n} ends before it starts")
        if len(body) > MAX_CUE_CHARS + 10:
            problems.append(f"cue {n} is {len(body)} characters long")
        previous_end = end
    if abs(cues[-1][1] - duration_s * 1000) > 1:
        problems.append(f"last cue ends at {cues[-1][1] / 1000}s, duration is {duration_s}s")
    if " ".join(c[2] for c in cues).split() != words:
        problems.append("the cue text is not the script's words in order")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path, help="module folder(s)")
    parser.add_argument("--lang", help="language code: read script.<lang>.md, write captions.<lang>.vtt")
    parser.add_argument("--duration", type=float, help="seconds, when there is no module.yaml")
    parser.add_argument("--check", action="store_true", help="verify instead of writing")
    parser.add_argument("--fix-duration", action="store_true",
                        help="set duration_seconds in module.yaml from the script length")
    parser.add_argument("--wpm", type=int, default=WPM, help="spoken words per minute (default 140)")
    args = parser.parse_args(argv)

    status = 0
    for folder in args.folders:
        if not folder.is_dir():
            continue
        module = read_module(folder)
        if not module:
            base = Path(__file__).resolve().parent.parent / "content" / "base" / "modules" / folder.name
            module = {k: v for k, v in read_module(base).items() if k in ("duration_seconds", "script", "captions")}
        script = folder / lang_name(module.get("script") or "script.md", args.lang)
        captions = folder / lang_name(module.get("captions") or "captions.vtt", args.lang)
        if not script.is_file():
            print(f"{script}: not found", file=sys.stderr)
            status = 1
            continue
        words = script_words(script.read_text(encoding="utf-8"))
        if args.fix_duration:
            seconds = round(len(words) * 60 / args.wpm)
            path = folder / "module.yaml"
            text = path.read_text(encoding="utf-8")
            text, n = re.subn(r"(?m)^duration_seconds:.*$", f"duration_seconds: {seconds}", text)
            if n != 1:
                print(f"{path}: no duration_seconds line to fix", file=sys.stderr)
                status = 1
                continue
            path.write_text(text, encoding="utf-8")
            module["duration_seconds"] = seconds
        duration = args.duration or module.get("duration_seconds")
        if not duration:
            print(f"{folder}: no duration_seconds (give --duration)", file=sys.stderr)
            status = 1
            continue
        if args.check:
            if not captions.is_file():
                problems = ["not found"]
            else:
                problems = check_vtt(captions.read_text(encoding="utf-8"), words, float(duration))
            for problem in problems:
                print(f"{captions}: {problem}", file=sys.stderr)
            status = status or (1 if problems else 0)
            if not problems:
                print(f"{captions}: ok ({len(words)} words, {duration}s)")
            continue
        captions.write_text(build_vtt(words, float(duration)), encoding="utf-8")
        print(f"{captions}: {len(make_cues(words))} cues, {len(words)} words, {duration}s "
              f"({len(words) * 60 / float(duration):.0f} words per minute)")
    return status


if __name__ == "__main__":
    sys.exit(main())
