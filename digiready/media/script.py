"""A module's script as the narration speaks it: paragraphs (the script's sections) made of
sentences. Each sentence is synthesised on its own, so its caption starts and ends where it is
spoken; each paragraph gets a slide showing its key sentence."""
from __future__ import annotations

import re
from dataclasses import dataclass

# Short forms whose full stop does not end a sentence (in the packs' languages).
ABBREVIATIONS = frozenset({"e.g.", "i.e.", "etc.", "mr.", "mrs.", "ms.", "dr.", "no.", "vs.",
                           "p.", "pp.", "sr.", "sra.", "dra.", "ej.", "hal.", "dll.", "tr.", "vd."})
_ENDING = re.compile(r"([.!?…]+[\"'”’)»]*)\s+")


@dataclass(frozen=True)
class Paragraph:
    sentences: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


def paragraphs(script: str) -> list[Paragraph]:
    """Blank-line separated paragraphs; Markdown headings and comments are not spoken."""
    result = []
    for block in re.split(r"\n\s*\n", script.strip()):
        lines = [ln.strip() for ln in block.splitlines()
                 if ln.strip() and not ln.lstrip().startswith(("#", "<!--"))]
        text = " ".join(lines)
        if text:
            result.append(Paragraph(tuple(sentences(text))))
    return result


def sentences(text: str) -> list[str]:
    """Split after ., ! or ? (and a closing quote) when the next word starts a sentence."""
    text = " ".join(text.split())
    out, start = [], 0
    for match in _ENDING.finditer(text):
        end = match.end(1)
        following = text[match.end():match.end() + 1]
        last_word = text[start:end].rsplit(" ", 1)[-1].lower()
        if not following or last_word in ABBREVIATIONS:
            continue
        if following.isupper() or following.isdigit() or following in "\"'“‘¿¡(":
            out.append(text[start:end].strip())
            start = match.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def key_sentence(paragraph: Paragraph, limit: int = 110) -> str:
    """The sentence a slide shows: the first that says something (four words or more) and
    fits the slide, else the shortest."""
    for sentence in paragraph.sentences:
        if len(sentence.split()) >= 4 and len(sentence) <= limit:
            return sentence
    return min(paragraph.sentences, key=len)
