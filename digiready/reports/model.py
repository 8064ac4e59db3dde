"""One data model for every report, rendered by each format without re-computing anything.

A report is a tree of sections holding paragraphs, bullet lists, tables and figures. The
HTML (and from it the PDF), the DOCX and the XLSX annex all walk the same tree, so a figure
printed in the PDF is the figure in the DOCX and the cell in the annex. Every figure carries
its text alternative and its data table.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

SYNTHETIC_NOTICE = "Synthetic data — for demonstration"
# Real and synthetic responses together: every page says the data are mixed, not that
# every figure is synthetic (the data origin note gives the split).
MIXED_NOTICE = "Real and synthetic data mixed — not for quotation"
# What a hidden cell prints as (never a number, never "<10": that tells how small it is).
SUPPRESSED = "suppressed"
NO_DATA = "no data"


@dataclass
class Paragraph:
    text: str
    emphasis: bool = False


@dataclass
class BulletList:
    items: list[str]


@dataclass
class Table:
    """Cells hold numbers as numbers (the XLSX annex keeps them so), text, or
    :data:`SUPPRESSED`; the first column names the row (a row header)."""
    id: str
    caption: str
    columns: list[str]
    rows: list[list[Any]]
    notes: str | None = None
    digits: int = 1  # decimals of float cells in the PDF, HTML and DOCX

    def formatted(self, value: Any) -> str:
        if value is None:
            return NO_DATA
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float):
            return f"{value:.{self.digits}f}"
        return str(value)


@dataclass
class Figure:
    id: str
    title: str
    svg: str
    alt: str  # the text alternative: what a reader who cannot see the chart needs
    table: Table  # the data behind the chart, printed next to it and in the annex


Block = Paragraph | BulletList | Table | Figure


@dataclass
class Section:
    id: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)

    def add(self, block: Block) -> Block:
        self.blocks.append(block)
        return block

    def sub(self, id: str, title: str) -> Section:
        child = Section(id, title)
        self.subsections.append(child)
        return child

    def walk(self, depth: int = 0) -> Iterator[tuple[int, Section]]:
        yield depth, self
        for child in self.subsections:
            yield from child.walk(depth + 1)


@dataclass
class Report:
    kind: str  # needs-assessment | final | symposium
    title: str
    subtitle: str
    economies: list[str]
    synthetic: bool
    generated_at: datetime
    # Some responses are real, some synthetic (the data origin note says how many each).
    mixed: bool = False
    sections: list[Section] = field(default_factory=list)
    language: str = "en"
    author: str = "DigiReady"
    # Figures the tests (and readers) can check against the data: name -> value.
    facts: dict[str, Any] = field(default_factory=dict)
    # Tables only in the spreadsheet annex (XLSX): the full detail behind a summary the
    # printed report gives (each need's table by group, answers by question...), referred to
    # by their sheet name. A funder's report stays readable; no figure is lost.
    annex: list[Table] = field(default_factory=list)

    def section(self, id: str, title: str) -> Section:
        sec = Section(id, title)
        self.sections.append(sec)
        return sec

    def walk(self) -> Iterator[tuple[int, Section]]:
        for sec in self.sections:
            yield from sec.walk()

    def to_annex(self, table: Table) -> str:
        """Keep ``table`` for the spreadsheet annex only; returns how the text refers to it."""
        if len(table.id) > 28 or any(t.id == table.id for t in self.annex):
            raise ValueError(f"annex table id {table.id!r}: at most 28 characters, unique "
                             "(it is the sheet's name)")
        self.annex.append(table)
        return f"annex sheet {table.id}"

    def tables(self) -> list[Table]:
        """Every table: those printed, in reading order (figure data included), then the
        annex's: the XLSX annex."""
        return [*self.printed_tables(), *self.annex]

    def printed_tables(self) -> list[Table]:
        """The tables the PDF, HTML and DOCX print."""
        found: list[Table] = []
        for _depth, sec in self.walk():
            for block in sec.blocks:
                if isinstance(block, Table):
                    found.append(block)
                elif isinstance(block, Figure):
                    found.append(block.table)
        return found

    def figures(self) -> list[Figure]:
        return [b for _d, sec in self.walk() for b in sec.blocks if isinstance(b, Figure)]

    @property
    def notice(self) -> str | None:
        if not self.synthetic:
            return None
        return MIXED_NOTICE if self.mixed else SYNTHETIC_NOTICE
