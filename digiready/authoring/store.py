"""The draft of each economy in the database: read it as :class:`OverlayContent`, change one
item or one string at a time under an optimistic lock, import a whole overlay folder.

Functions take the caller's SQLAlchemy session and never commit: a web request or a command
commits once, so a change and its audit entry are saved together or not at all. ``actor`` is
an opaque string the adapter chooses (``"user:3"``); the core never looks inside it.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from digiready.authoring.content import Item, OverlayContent, read_overlay_folder, sha256
from digiready.authoring.models import (
    AuthoringAudit,
    AuthoringBlob,
    AuthoringEconomy,
    AuthoringItem,
    AuthoringTranslation,
    utcnow,
)


class Conflict(Exception):
    """Someone else saved this item (or created this id) since the caller read it.
    ``current`` is what is saved now, so the page can show both versions."""

    def __init__(self, message: str, current: Any = None) -> None:
        super().__init__(message)
        self.current = current


class NotFound(LookupError):
    pass


def audit(session: Session, actor: str, economy: str, action: str, target: str = "",
          **details: Any) -> None:
    session.add(AuthoringAudit(actor=actor, economy=economy or "", action=action,
                               target=target[:300], details=details))


def economy(session: Session, code: str) -> AuthoringEconomy | None:
    return session.scalars(select(AuthoringEconomy).where(AuthoringEconomy.code == code)).first()


def economies(session: Session) -> list[AuthoringEconomy]:
    return list(session.scalars(select(AuthoringEconomy).order_by(AuthoringEconomy.code)))


def _touch(session: Session, code: str) -> None:
    session.execute(update(AuthoringEconomy).where(AuthoringEconomy.code == code)
                    .values(draft_revision=AuthoringEconomy.draft_revision + 1))


# --------------------------------------------------------------------------- whole drafts

def create_economy(session: Session, base: Path, code: str, language: str, name: str,
                   actor: str) -> AuthoringEconomy:
    """What ``digiready economy new`` does, into the database: the same scaffold, imported."""
    from digiready.packs.scaffold import new_economy

    if economy(session, code) is not None:
        raise Conflict(f"economy '{code}' already exists")
    with tempfile.TemporaryDirectory(prefix="digiready-new-") as scratch:
        folder = new_economy(Path(base), Path(scratch), code, language, name)
        content = read_overlay_folder(folder)
    content.items = [i for i in content.items if i.key != "files/TRANSLATE.md"]
    row = AuthoringEconomy(code=code, name=name or code.upper(), created_by=actor)
    session.add(row)
    session.flush()
    replace_content(session, content, actor)
    audit(session, actor, code, "economy.created", code, language=language, name=name)
    return row


def replace_content(session: Session, content: OverlayContent, actor: str) -> None:
    """Make ``content`` the whole draft of its economy (an import): items, translations and
    blobs; translation statuses are kept where the text did not change."""
    code = content.economy
    row = economy(session, code)
    if row is None:
        name = str(content.overlay.get("name") or code.upper())
        row = AuthoringEconomy(code=code, name=name, created_by=actor)
        session.add(row)
        session.flush()
    else:
        row.name = str(content.overlay.get("name") or row.name)
    store_blobs(session, content.blobs)
    old = {i.key: i for i in session.scalars(select(AuthoringItem).where(AuthoringItem.economy == code))}
    keep = set()
    for position, item in enumerate(content.items):
        existing = old.get(item.key)
        keep.add(item.key)
        if existing is None:
            session.add(AuthoringItem(economy=code, key=item.key, position=position, data=item.data,
                                      note=item.note, updated_by=actor))
        elif (existing.data, existing.note, existing.position) != (item.data, item.note, position):
            existing.data, existing.note, existing.position = item.data, item.note, position
            existing.revision += 1
            existing.updated_by, existing.updated_at = actor, utcnow()
    for key, existing in old.items():
        if key not in keep:
            session.delete(existing)
    rows = {(t.language, t.unit): t for t in session.scalars(
        select(AuthoringTranslation).where(AuthoringTranslation.economy == code))}
    wanted = {(lang, unit): text for lang, units in content.translations.items()
              for unit, text in units.items()}
    for (language, unit), text in wanted.items():
        existing = rows.get((language, unit))
        if existing is None:
            session.add(AuthoringTranslation(economy=code, language=language, unit=unit,
                                             text=text, updated_by=actor))
        elif existing.text != text:
            existing.text, existing.status = text, "draft"
            existing.revision += 1
            existing.updated_by, existing.updated_at = actor, utcnow()
    for pair, existing in rows.items():
        if pair not in wanted:
            session.delete(existing)
    _touch(session, code)
    session.flush()


def store_blobs(session: Session, blobs: dict[str, bytes]) -> None:
    if not blobs:
        return
    have = set(session.scalars(select(AuthoringBlob.sha256).where(
        AuthoringBlob.sha256.in_(list(blobs)))))
    for digest, data in blobs.items():
        if digest not in have:
            session.add(AuthoringBlob(sha256=digest, size=len(data), data=data))
    session.flush()


def blobs(session: Session, digests) -> dict[str, bytes]:
    digests = list(set(digests))
    found: dict[str, bytes] = {}
    for start in range(0, len(digests), 500):
        for digest, data in session.execute(select(AuthoringBlob.sha256, AuthoringBlob.data)
                                            .where(AuthoringBlob.sha256.in_(digests[start:start + 500]))):
            found[digest] = data
    return found


def load_content(session: Session, code: str, *, with_blobs: bool = True) -> OverlayContent:
    if economy(session, code) is None:
        raise NotFound(f"no economy '{code}'")
    content = OverlayContent(code)
    for row in session.scalars(select(AuthoringItem).where(AuthoringItem.economy == code)
                               .order_by(AuthoringItem.position, AuthoringItem.id)):
        content.items.append(Item(row.key, row.data, row.note or ""))
    for language, unit, text in session.execute(
            select(AuthoringTranslation.language, AuthoringTranslation.unit,
                   AuthoringTranslation.text).where(AuthoringTranslation.economy == code)):
        content.translations.setdefault(language, {})[unit] = text
    if with_blobs:
        wanted = [i.data["blob"] for i in content.items
                  if i.kind == "files" and isinstance(i.data, dict) and "blob" in i.data]
        content.blobs = blobs(session, wanted)
    return content


# ----------------------------------------------------------------------------- one item

def item_row(session: Session, code: str, key: str) -> AuthoringItem | None:
    return session.scalars(select(AuthoringItem).where(
        AuthoringItem.economy == code, AuthoringItem.key == key)).first()


def items(session: Session, code: str, prefix: str = "") -> list[AuthoringItem]:
    stmt = select(AuthoringItem).where(AuthoringItem.economy == code)
    if prefix:
        stmt = stmt.where(AuthoringItem.key.startswith(prefix))
    return list(session.scalars(stmt.order_by(AuthoringItem.position, AuthoringItem.id)))


@dataclass
class Saved:
    key: str
    revision: int


def save_item(session: Session, code: str, key: str, data: Any, note: str, *,
              revision: int | None, actor: str, old_key: str | None = None) -> Saved:
    """Create (``revision`` None) or update the item; on an update ``old_key`` names the
    item being edited when its id, and so its key, changes. Raises :class:`Conflict` when
    someone saved it since ``revision`` or the key is already taken."""
    if economy(session, code) is None:
        raise NotFound(f"no economy '{code}'")
    if revision is None:
        if item_row(session, code, key) is not None:
            raise Conflict(f"'{key.rsplit('/', 1)[-1]}' already exists", item_row(session, code, key))
        position = (session.scalar(select(func.max(AuthoringItem.position)).where(
            AuthoringItem.economy == code)) or 0) + 1
        session.add(AuthoringItem(economy=code, key=key, position=position, data=data, note=note,
                                  updated_by=actor))
        audit(session, actor, code, "item.created", key, data=data)
        _touch(session, code)
        session.flush()
        return Saved(key, 1)
    current = item_row(session, code, old_key or key)
    if current is None:
        raise Conflict("this item was deleted by someone else meanwhile")
    if old_key and old_key != key and item_row(session, code, key) is not None:
        raise Conflict(f"'{key.rsplit('/', 1)[-1]}' already exists", item_row(session, code, key))
    before = current.data
    done = session.execute(
        update(AuthoringItem)
        .where(AuthoringItem.id == current.id, AuthoringItem.revision == revision)
        .values(key=key, data=data, note=note, revision=AuthoringItem.revision + 1,
                updated_by=actor, updated_at=utcnow())
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        session.expire(current)
        raise Conflict("someone else saved this item while you were editing it", current)
    audit(session, actor, code, "item.updated", key, before=before, after=data,
          **({"renamed_from": old_key} if old_key and old_key != key else {}))
    _touch(session, code)
    session.expire(current)
    return Saved(key, revision + 1)


def delete_item(session: Session, code: str, key: str, *, revision: int, actor: str) -> None:
    current = item_row(session, code, key)
    if current is None:
        return
    done = session.execute(delete(AuthoringItem).where(
        AuthoringItem.id == current.id, AuthoringItem.revision == revision)
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        session.expire(current)
        raise Conflict("someone else saved this item while you were deleting it", current)
    audit(session, actor, code, "item.deleted", key, before=current.data)
    _touch(session, code)


# ------------------------------------------------------------------------- translations

def translation_rows(session: Session, code: str, language: str) -> dict[str, AuthoringTranslation]:
    return {t.unit: t for t in session.scalars(select(AuthoringTranslation).where(
        AuthoringTranslation.economy == code, AuthoringTranslation.language == language))}


def save_translation(session: Session, code: str, language: str, unit: str, text: str, *,
                     source_hash: str, revision: int | None, actor: str,
                     status: str = "draft") -> int:
    """Save one string (an empty text removes it: "missing" again); returns its revision."""
    current = session.scalars(select(AuthoringTranslation).where(
        AuthoringTranslation.economy == code, AuthoringTranslation.language == language,
        AuthoringTranslation.unit == unit)).first()
    if current is None:
        if revision:
            raise Conflict("someone else removed this translation while you were editing it")
        if not text:
            return 0
        session.add(AuthoringTranslation(economy=code, language=language, unit=unit, text=text,
                                         status=status, source_hash=source_hash,
                                         updated_by=actor))
        audit(session, actor, code, "translation.created", f"{language}:{unit}", text=text)
        _touch(session, code)
        session.flush()
        return 1
    if revision is None or current.revision != revision:
        raise Conflict("someone else saved this translation while you were editing it", current)
    if not text:
        session.delete(current)
        audit(session, actor, code, "translation.deleted", f"{language}:{unit}", before=current.text)
        _touch(session, code)
        return 0
    done = session.execute(
        update(AuthoringTranslation)
        .where(AuthoringTranslation.id == current.id, AuthoringTranslation.revision == revision)
        .values(text=text, status=status, source_hash=source_hash,
                revision=AuthoringTranslation.revision + 1, updated_by=actor, updated_at=utcnow())
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise Conflict("someone else saved this translation while you were editing it", current)
    audit(session, actor, code, "translation.updated", f"{language}:{unit}",
          before=current.text, after=text, status=status)
    _touch(session, code)
    session.expire(current)
    return revision + 1


def import_translations(session: Session, code: str, language: str,
                        entries: list[tuple[str, str, str]], actor: str) -> int:
    """Save many strings at once (a translator's file): ``(unit, text, source_hash)``; a
    text that did not change keeps its state. One audit entry for the import. Returns how
    many strings changed."""
    rows = translation_rows(session, code, language)
    changed = 0
    for unit, text, source_hash in entries:
        row = rows.get(unit)
        if row is None:
            session.add(AuthoringTranslation(economy=code, language=language, unit=unit,
                                             text=text, source_hash=source_hash,
                                             updated_by=actor))
        elif row.text != text or row.source_hash != source_hash:
            row.text, row.status, row.source_hash = text, "draft", source_hash
            row.revision += 1
            row.updated_by, row.updated_at = actor, utcnow()
        else:
            continue
        changed += 1
    if changed:
        audit(session, actor, code, "translation.imported", language, strings=changed)
        _touch(session, code)
    return changed


def file_item_value(session: Session, content: bytes) -> dict:
    """Keep a file's bytes as a blob and return the value of its ``files/`` item."""
    digest = sha256(content)
    store_blobs(session, {digest: content})
    return {"blob": digest, "size": len(content)}
