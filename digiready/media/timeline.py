"""The narration's audio and when each sentence is spoken in it.

Synthetic voices speak one sentence at a time (cached by voice and text), joined with pauses:
a short one between sentences, a longer one between paragraphs, and as much more as the
sentence's captions need to stay at or under 17 characters a second. A recorded narration is
one file: its sentences are placed on the pauses ffmpeg's ``silencedetect`` finds, matched in
order to where the script's characters say each sentence should end.
"""
from __future__ import annotations

import array
import hashlib
import os
import re
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

from digiready.media import captions
from digiready.media.narrators import Narrator
from digiready.media.script import Paragraph
from digiready.media.tools import MediaError, run

RATE = 22050
LEAD_IN = 0.4
SENTENCE_GAP = 0.45
PARAGRAPH_GAP = 1.0
TAIL = 1.2
LINGER = 0.6  # a cue stays up this long into the pause after its sentence
SILENCE_DB = -35
SILENCE_MIN = 0.25


@dataclass(frozen=True)
class Spoken:
    paragraph: int
    text: str
    start: float  # the sentence's first sound
    end: float  # its last sound
    shown_until: float  # when its last cue goes (into the pause, before the next sentence)


@dataclass(frozen=True)
class Timeline:
    audio: Path  # 22.05 kHz mono 16-bit WAV
    duration: float
    spoken: tuple[Spoken, ...]


def synthetic(narrator: Narrator, paragraphs: list[Paragraph], cache: Path, out: Path) -> Timeline:
    cache.mkdir(parents=True, exist_ok=True)
    sentences = [(p, s) for p, para in enumerate(paragraphs) for s in para.sentences]
    if not sentences:
        raise MediaError("the script has no sentences to narrate")
    spoken: list[Spoken] = []
    with wave.open(str(out), "wb") as dst:
        dst.setnchannels(1)
        dst.setsampwidth(2)
        dst.setframerate(RATE)
        at = _silence(dst, LEAD_IN)
        for n, (p, text) in enumerate(sentences):
            samples = _speech(narrator, text, cache)
            dst.writeframes(samples.tobytes())
            length = len(samples) / RATE
            last = n == len(sentences) - 1
            gap = TAIL if last else PARAGRAPH_GAP if sentences[n + 1][0] != p else SENTENCE_GAP
            linger = min(LINGER, gap - 0.15)
            short = captions.seconds_needed(text) - (length + linger)
            if short > 0:  # the voice is faster than the captions may be: pause longer
                gap, linger = gap + short, linger + short
            spoken.append(Spoken(p, text, round(at, 3), round(at + length, 3), round(at + length + linger, 3)))
            at += length + _silence(dst, gap)
    return Timeline(out, round(at, 3), tuple(spoken))


def recorded(narrator: Narrator, paragraphs: list[Paragraph], out: Path) -> Timeline:
    """Convert the recorded file and place the script's sentences on its pauses."""
    assert narrator.path is not None
    run(["ffmpeg", "-nostdin", "-y", "-v", "error", "-i", str(narrator.path), "-ac", "1", "-ar", str(RATE),
         "-sample_fmt", "s16", str(out)], what=f"reading the recorded narration {narrator.path}")
    with wave.open(str(out), "rb") as src:
        duration = src.getnframes() / RATE
    if duration < 0.5:
        raise MediaError(f"{narrator.path}: the recorded narration is shorter than half a second")
    silences = detect_silences(out)
    sentences = [(p, s) for p, para in enumerate(paragraphs) for s in para.sentences]
    bounds = align([len(s) for _p, s in sentences], silences, duration)
    spoken = []
    for n, ((p, text), (start, end)) in enumerate(zip(sentences, bounds, strict=True)):
        following = bounds[n + 1][0] if n + 1 < len(bounds) else duration
        shown = min(following - 0.05, end + LINGER) if n + 1 < len(bounds) else min(end + LINGER, duration - 0.1)
        spoken.append(Spoken(p, text, round(start, 3), round(end, 3), round(max(shown, end), 3)))
    return Timeline(out, round(duration, 3), tuple(spoken))


def detect_silences(path: Path) -> list[tuple[float, float]]:
    result = run(["ffmpeg", "-nostdin", "-v", "info", "-i", str(path), "-af",
                  f"silencedetect=noise={SILENCE_DB}dB:d={SILENCE_MIN}", "-f", "null", "-"],
                 what="finding the pauses in the narration")
    log = result.stderr.decode("utf-8", "replace")
    starts = [float(x) for x in re.findall(r"silence_start: (-?[\d.]+)", log)]
    ends = [float(x) for x in re.findall(r"silence_end: ([\d.]+)", log)]
    return [(max(0.0, s), e) for s, e in zip(starts, ends + [float("inf")] * (len(starts) - len(ends)), strict=True)]


def align(lengths: list[int], silences: list[tuple[float, float]], duration: float,
          unmatched_cost: float = 1.5) -> list[tuple[float, float]]:
    """(start, end) of each sentence: the N-1 boundaries between sentences are matched, in
    order, to pauses near where the characters before them put them (dynamic programming: a
    boundary with no pause near stays at that estimate)."""
    head = silences[0][1] if silences and silences[0][0] <= 0.05 else 0.0
    tail = silences[-1][0] if silences and silences[-1][1] >= duration - 0.05 else duration
    inner = [(s, min(e, duration)) for s, e in silences if s > head + 0.01 and e < tail - 0.01]
    speech = _speech_intervals(head, tail, inner)
    spoken_total = sum(b - a for a, b in speech)
    total_chars = sum(lengths) or 1
    expected, acc = [], 0
    for length in lengths[:-1]:
        acc += length
        expected.append(_at_speech_time(speech, spoken_total * acc / total_chars))
    nb, ns = len(expected), len(inner)
    inf = float("inf")
    cost = [[inf] * (ns + 1) for _ in range(nb + 1)]
    choice: dict[tuple[int, int], tuple[str, int, int]] = {}
    for j in range(ns + 1):
        cost[0][j] = 0.0
    for i in range(1, nb + 1):
        for j in range(ns + 1):
            options = [(cost[i - 1][j] + unmatched_cost, ("none", i - 1, j))]
            if j > 0:
                options.append((cost[i][j - 1], ("skip", i, j - 1)))
                mid = (inner[j - 1][0] + inner[j - 1][1]) / 2
                options.append((cost[i - 1][j - 1] + abs(mid - expected[i - 1]), ("pause", i - 1, j - 1)))
            best = min(options, key=lambda o: o[0])
            cost[i][j], choice[(i, j)] = best
    cuts: list[tuple[float, float]] = [(0.0, 0.0)] * nb
    i, j = nb, ns
    while i > 0:
        how, pi, pj = choice[(i, j)]
        if how == "pause":
            cuts[i - 1] = inner[j - 1]
        elif how == "none":
            cuts[i - 1] = (expected[i - 1], expected[i - 1])
        i, j = pi, pj
    bounds, start = [], head
    for k in range(len(lengths)):
        end = cuts[k][0] if k < nb else tail
        end = max(end, start + 0.05)
        bounds.append((start, end))
        start = max(cuts[k][1], end) if k < nb else end
    return bounds


def _speech_intervals(head: float, tail: float, inner: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out, at = [], head
    for s, e in inner:
        if s > at:
            out.append((at, s))
        at = max(at, e)
    if tail > at:
        out.append((at, tail))
    return out or [(head, tail)]


def _at_speech_time(speech: list[tuple[float, float]], x: float) -> float:
    for a, b in speech:
        if x <= b - a:
            return a + x
        x -= b - a
    return speech[-1][1]


def _silence(dst: wave.Wave_write, seconds: float) -> float:
    frames = int(round(seconds * RATE))
    dst.writeframes(b"\0\0" * frames)
    return frames / RATE


def _speech(narrator: Narrator, text: str, cache: Path) -> array.array:
    """One sentence's samples, trimmed of the voice's own leading and trailing silence."""
    key = hashlib.sha256(f"{narrator.fingerprint}\0{text}".encode()).hexdigest()
    cached = cache / f"{key}.wav"
    if not cached.exists():
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            raw = Path(tmp) / "raw.wav"
            narrator.synthesise(text, raw)
            with wave.open(str(raw), "rb") as src:
                ok = (src.getnchannels(), src.getsampwidth(), src.getframerate()) == (1, 2, RATE)
            if not ok:
                fixed = Path(tmp) / "fixed.wav"
                run(["ffmpeg", "-nostdin", "-y", "-v", "error", "-i", str(raw), "-ac", "1", "-ar", str(RATE),
                     "-sample_fmt", "s16", str(fixed)], what="resampling speech")
                raw = fixed
            os.replace(raw, cached)
    with wave.open(str(cached), "rb") as src:
        samples = array.array("h", src.readframes(src.getnframes()))
    return _trim(samples)


def _trim(samples: array.array, threshold: int = 250, margin: float = 0.03) -> array.array:
    first = next((i for i, v in enumerate(samples) if abs(v) > threshold), None)
    if first is None:
        return samples
    last = next(i for i in range(len(samples) - 1, -1, -1) if abs(samples[i]) > threshold)
    pad = int(margin * RATE)
    return samples[max(0, first - pad):min(len(samples), last + pad + 1)]
