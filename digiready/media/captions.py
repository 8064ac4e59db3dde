"""Captions from the narration's real timings: one cue per spoken sentence, or per part of a
long one; at most 42 characters a line and 2 lines; at most 17 characters a second.

A sentence too long for one cue is cut at word boundaries (after a comma where there is one)
into parts of similar length, and its spoken time is shared among them by their length, so
each part has the sentence's reading speed. The synthetic narration pauses after a sentence
as long as its reading speed needs (:mod:`digiready.media.timeline`); a recorded narration's
speed is what it is, and faster cues are reported as warnings.
"""
from __future__ import annotations

from dataclasses import dataclass

LINE = 42
LINES = 2
MAX_CPS = 17.0
MIN_CUE_SECONDS = 1.0


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str  # with "\n" between its lines

    @property
    def cps(self) -> float:
        return len(self.text.replace("\n", " ")) / max(self.end - self.start, 1e-6)


def wrap(text: str, width: int = LINE) -> list[str] | None:
    """Balanced lines of at most ``width`` characters, or None when a word is too long."""
    words = text.split()
    if any(len(w) > width for w in words):
        return None
    if len(text) <= width:
        return [text]
    # Two lines: the break that leaves the two lines closest in length.
    best = None
    for i in range(1, len(words)):
        first, second = " ".join(words[:i]), " ".join(words[i:])
        if len(first) <= width and len(second) <= width:
            score = abs(len(first) - len(second))
            if best is None or score < best[0]:
                best = (score, [first, second])
    return best[1] if best else None


def parts(sentence: str) -> list[str]:
    """The sentence as cue texts that each fit in two lines."""
    text = " ".join(sentence.split())
    for count in range(1, len(text) // 10 + 2):
        pieces = _split(text, count)
        if all(wrap(p) for p in pieces):
            return pieces
    return [text]  # unsplittable (one enormous word); left as it is


def _split(text: str, count: int) -> list[str]:
    words = text.split()
    if count <= 1 or len(words) <= 1:
        return [text]
    pieces, start = [], 0
    for k in range(1, count):
        target = len(text) * k / count
        best, best_score = None, None
        for i in range(start + 1, len(words)):
            position = len(" ".join(words[:i]))
            score = abs(position - target) - (8 if words[i - 1][-1] in ",;:" else 0)
            if best_score is None or score < best_score:
                best, best_score = i, score
        if best is None:
            break
        pieces.append(" ".join(words[start:best]))
        start = best
    pieces.append(" ".join(words[start:]))
    return [p for p in pieces if p]


def seconds_needed(sentence: str, cps: float = MAX_CPS * 0.97) -> float:
    """How long the sentence's cues must stay up: its reading time, and a second for each part
    (a part's share of the time follows its length)."""
    pieces = parts(sentence)
    total = len(" ".join(sentence.split()))
    return max(total / cps, max(MIN_CUE_SECONDS * total / len(p) for p in pieces))


def cues_for(text: str, start: float, end: float) -> list[Cue]:
    """The cues of one sentence shown from ``start`` to ``end``."""
    pieces = parts(text)
    total = sum(len(p) for p in pieces)
    cues, at = [], start
    for n, piece in enumerate(pieces):
        stop = end if n == len(pieces) - 1 else at + (end - start) * len(piece) / total
        cues.append(Cue(round(at, 3), round(stop, 3), "\n".join(wrap(piece) or [piece])))
        at = stop
    return cues


def timestamp(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def webvtt(cues: list[Cue]) -> str:
    blocks = ["WEBVTT", ""]
    for n, cue in enumerate(cues, 1):
        blocks += [str(n), f"{timestamp(cue.start)} --> {timestamp(cue.end)}", cue.text, ""]
    return "\n".join(blocks)


def problems(cues: list[Cue]) -> list[str]:
    """What breaks the caption rules (a recorded narration can be faster than 17 cps)."""
    found = []
    for n, cue in enumerate(cues, 1):
        lines = cue.text.split("\n")
        if len(lines) > LINES or any(len(line) > LINE for line in lines):
            found.append(f"cue {n}: more than {LINES} lines of {LINE} characters")
        if cue.cps > MAX_CPS + 0.05:
            found.append(f"cue {n}: {cue.cps:.1f} characters a second (over {MAX_CPS:g})")
    return found
