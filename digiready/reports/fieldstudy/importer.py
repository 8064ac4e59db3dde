"""Import field-study answers (a KoboToolbox/ODK export, CSV or XLSX) into ``core_attempt``.

Columns are the XLSForm's field names (see :mod:`.xlsform`); group prefixes
(``connectivity/devices_used``) and Kobo's one-column-per-option layout
(``devices_used/smartphone`` = 1) are understood; metadata columns (``start``, ``_uuid``...)
are ignored except the instance id, which makes a second import of the same file fail row by
row instead of doubling the data.

Every row is checked with the diagnostic engine first. A file with any bad row imports
nothing (each bad row is reported with its spreadsheet row number, header = row 1) unless
``skip_bad_rows`` is set, in which case the good rows are imported and the bad ones listed.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from digiready.packs.model import NA, Pack

INSTANCE_COLUMNS = ("meta/instanceID", "instanceID", "_uuid", "meta/instanceid", "uuid")
IGNORED = re.compile(r"^(_.*|start|end|today|deviceid|meta/.*|formhub/.*|__version__|"
                     r"instanceID|SubmissionDate|KEY|(.*/)?consent|(.*/)?interview_date)$")
PLATFORM = "fieldstudy"


@dataclass
class RowError:
    row: int
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.reason}"


@dataclass
class ImportResult:
    rows: int = 0
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFileError(ValueError):
    """The file itself cannot be read (missing, wrong type, no header)."""


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """(header, [(spreadsheet row number, {column: text})]), skipping blank rows."""
    if not path.is_file():
        raise ImportFileError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as fh:
            table = list(csv.reader(fh))
    elif suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(str(path), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several types for a bad file
            raise ImportFileError(f"{path}: not a readable XLSX file ({exc})") from exc
        ws = wb.worksheets[0]
        table = [["" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer()
                                        else str(v)) for v in row]
                 for row in ws.iter_rows(values_only=True)]
        wb.close()
    else:
        raise ImportFileError(f"{path}: expected a .csv or .xlsx file")
    if not table or not any(c.strip() for c in table[0]):
        raise ImportFileError(f"{path}: the first row must hold the column names")
    header = [c.strip() for c in table[0]]
    rows = []
    for number, values in enumerate(table[1:], start=2):
        if not any(str(v).strip() for v in values):
            continue
        rows.append((number, {h: (values[i].strip() if i < len(values) else "")
                              for i, h in enumerate(header) if h}))
    return header, rows


class ColumnMap:
    """Which column feeds which profile field or question."""

    def __init__(self, pack: Pack, header: list[str]) -> None:
        self.pack = pack
        groups = {"profile"} | {d.id for d in pack.dimensions}
        self.fields: dict[str, str] = {}  # column -> field id
        self.expanded: dict[str, tuple[str, str]] = {}  # column -> (question id, option id)
        self.instance: str | None = None
        self.unknown: list[str] = []
        known = {p.id for p in pack.profile} | {q.id for q in pack.questions}
        for column in header:
            if not column:
                continue
            if column in INSTANCE_COLUMNS and self.instance is None:
                self.instance = column
                continue
            parts = column.split("/")
            while len(parts) > 1 and parts[0] in groups:
                parts = parts[1:]
            if len(parts) == 1 and parts[0] in known:
                self.fields[column] = parts[0]
            elif (len(parts) == 2 and (q := pack.question(parts[0])) is not None
                  and q.type == "checklist"):
                self.expanded[column] = (parts[0], parts[1])
            elif not IGNORED.match(column):
                self.unknown.append(column)


def _value(pack: Pack, field_id: str, text: str) -> Any:
    q = pack.question(field_id)
    if q is None:
        return text
    if q.type == "checklist":
        values = [v for v in re.split(r"[\s,;]+", text) if v]
        # "Not applicable" is one answer, not an option ticked in a list.
        return NA if values == [NA] else values
    if q.type == "scale" and re.fullmatch(r"-?\d+(\.0+)?", text):
        return int(float(text))
    return text


def row_to_answers(cmap: ColumnMap, data: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    profile: dict[str, Any] = {}
    answers: dict[str, Any] = {}
    profile_ids = {p.id for p in cmap.pack.profile}
    for column, field_id in cmap.fields.items():
        text = data.get(column, "")
        if text == "":
            continue
        target = profile if field_id in profile_ids else answers
        target[field_id] = _value(cmap.pack, field_id, text)
    for column, (qid, option) in cmap.expanded.items():
        if data.get(column, "").strip().lower() in ("1", "true", "yes"):
            answers.setdefault(qid, [])
            if option not in answers[qid]:
                answers[qid].append(option)
    return profile, answers


# Where the interview's time is read from, best first: the form's own date question, then the
# end and start times KoboToolbox and ODK record on the tablet, then the day.
DATE_COLUMNS = ("interview_date", "end", "start", "today")


def interview_time(data: dict[str, str], now: datetime) -> tuple[datetime | None, str | None]:
    """(the interview's time, None) or (None, why it cannot be used). The import time is
    never used instead: a row without a usable date is a bad row."""
    by_last = {key.rsplit("/", 1)[-1]: key for key in data}
    for column in DATE_COLUMNS:
        text = (data.get(by_last.get(column, column)) or "").strip()
        if not text:
            continue
        try:
            when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None, f"interview date {text!r} (column {column}) is not a date"
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        if when > now:
            return None, f"interview date {text!r} (column {column}) is in the future"
        if when.year < 2000:
            return None, f"interview date {text!r} (column {column}) is before 2000"
        return when.astimezone(timezone.utc), None
    return None, "no interview date (columns " + ", ".join(DATE_COLUMNS) + " are empty)"


def import_file(path: Path, pack: Pack, *, url: str | None = None, economy: str | None = None,
                skip_bad_rows: bool = False, dry_run: bool = False) -> ImportResult:
    from sqlalchemy import insert, select

    from digiready.diagnostic import DiagnosticError, diagnose, validate
    from digiready.storage import session_scope
    from digiready.storage.models import Attempt, Learner

    header, rows = read_rows(path)
    cmap = ColumnMap(pack, header)
    result = ImportResult(rows=len(rows))
    if cmap.unknown:
        result.warnings.append("ignored unknown column(s): " + ", ".join(cmap.unknown))
    if not cmap.fields and not cmap.expanded:
        raise ImportFileError(f"{path}: no column matches a question of pack {pack.id}; "
                              "use the columns of `digiready fieldstudy xlsform`")
    seen: dict[str, int] = {}
    good: list[tuple[int, str, dict, dict, dict, datetime]] = []
    now = datetime.now(timezone.utc)
    consent_column = next((c for c in header if c.rsplit("/", 1)[-1] == "consent"), None)
    if consent_column is None:
        result.warnings.append("no consent column: this export is from a form without the "
                               "consent question (digiready fieldstudy xlsform adds it)")
    for number, data in rows:
        if consent_column and (data.get(consent_column) or "").strip().lower() not in (
                "yes", "1", "true"):
            result.errors.append(RowError(number, "the respondent did not consent: not imported"))
            continue
        when, problem = interview_time(data, now)
        if problem:
            result.errors.append(RowError(number, problem))
            continue
        profile, answers = row_to_answers(cmap, data)
        instance = data.get(cmap.instance, "") if cmap.instance else ""
        key = instance or f"{path.name}:{number}"
        if instance and instance in seen:
            result.errors.append(RowError(number, f"same instance id as row {seen[instance]}"))
            continue
        seen[instance] = number
        row_economy = profile.get("economy") or economy or pack.economy
        if row_economy and "economy" not in profile:
            profile["economy"] = row_economy
        clean_profile, clean_answers, errors = validate(pack, profile, answers, complete=True)
        if errors:
            result.errors.append(RowError(number, "; ".join(errors)))
            continue
        try:
            scored = diagnose(pack, clean_profile, clean_answers)
        except DiagnosticError as exc:
            result.errors.append(RowError(number, "; ".join(exc.errors)))
            continue
        good.append((number, key, clean_profile, clean_answers, scored, when))
    with session_scope(url) as session:
        keys = [k for _n, k, *_ in good]
        existing = set()
        for start in range(0, len(keys), 500):
            existing |= set(session.scalars(select(Learner.external_id).where(
                Learner.platform == PLATFORM, Learner.external_id.in_(keys[start:start + 500]))))
        kept = []
        for item in good:
            if item[1] in existing:
                result.errors.append(RowError(item[0], f"already imported (instance {item[1]})"))
            else:
                kept.append(item)
        result.errors.sort(key=lambda e: e.row)
        if (result.errors and not skip_bad_rows) or dry_run:
            return result
        if kept:
            # Bulk inserts: a field study of thousands of rows imports in seconds.
            ids = list(session.scalars(
                insert(Learner).returning(Learner.id, sort_by_parameter_order=True),
                [{"platform": PLATFORM, "external_id": key,
                  "economy": scored["profile"].get("economy"), "synthetic": False,
                  "created_at": when} for _n, key, _p, _a, scored, when in kept]))
            session.execute(insert(Attempt), [
                {"learner_id": lid, "number": 1, "pack_id": pack.id,
                 "pack_version": pack.version, "economy": scored["profile"].get("economy"),
                 "language": pack.language, "status": "completed", "source": PLATFORM,
                 "synthetic": False, "profile": scored["profile"], "answers": answers,
                 "result": scored, "sector": scored["profile"].get("sector"),
                 "size": scored["profile"].get("size"),
                 "gender": scored["profile"].get("gender"),
                 "age_band": scored["profile"].get("age_band"),
                 "overall_score": scored["overall"]["score"],
                 "level": scored["overall"]["level"], "started_at": when, "updated_at": now,
                 "completed_at": when}  # the interview's time, never the import's
                for lid, (_n, _k, _p, answers, scored, when) in zip(ids, kept, strict=True)])
        result.imported = len(kept)
    return result
