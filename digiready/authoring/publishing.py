"""Draft -> review -> publish, versions kept, rollback.

Publishing builds the draft's files, refuses them if the core validator finds any error, keeps
them as version N (every file by hash) and writes them to the published folder that the LTI
tool and the XBlocks read (:mod:`digiready.packs.published`). The folder is switched only
after the database has committed the version, so learners never see a version the database
does not know.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from digiready.authoring import store
from digiready.authoring.build import BuiltOverlay, build_overlay
from digiready.authoring.content import OverlayContent, read_overlay_folder, sha256
from digiready.authoring.models import AuthoringEconomy, AuthoringVersion
from digiready.packs import published
from digiready.packs.yamlfile import PackIssue

EDITING, IN_REVIEW = "editing", "in_review"


class PublishRefused(Exception):
    """The draft has errors; ``issues`` says each one (file:line and field)."""

    def __init__(self, issues: list[PackIssue]) -> None:
        super().__init__(f"{len(issues)} error(s): " + "; ".join(map(str, issues[:5])))
        self.issues = issues


def _economy(session: Session, code: str) -> AuthoringEconomy:
    row = store.economy(session, code)
    if row is None:
        raise store.NotFound(f"no economy '{code}'")
    return row


def submit_for_review(session: Session, code: str, note: str, actor: str) -> None:
    row = _economy(session, code)
    row.state, row.state_note, row.state_by = IN_REVIEW, note, actor
    store.audit(session, actor, code, "review.submitted", code, note=note)


def return_to_editing(session: Session, code: str, note: str, actor: str) -> None:
    row = _economy(session, code)
    row.state, row.state_note, row.state_by = EDITING, note, actor
    store.audit(session, actor, code, "review.returned", code, note=note)


def versions(session: Session, code: str) -> list[AuthoringVersion]:
    return list(session.scalars(select(AuthoringVersion).where(AuthoringVersion.economy == code)
                                .order_by(AuthoringVersion.number.desc())))


def version(session: Session, code: str, number: int) -> AuthoringVersion | None:
    return session.scalars(select(AuthoringVersion).where(
        AuthoringVersion.economy == code, AuthoringVersion.number == number)).first()


def version_files(session: Session, row: AuthoringVersion) -> dict[str, bytes]:
    data = store.blobs(session, row.files.values())
    return {path: data[digest] for path, digest in row.files.items()}


def files_content(files: dict[str, bytes], economy: str) -> OverlayContent:
    """Read a set of overlay files back into items (for diffs and restoring a draft)."""
    with tempfile.TemporaryDirectory(prefix="digiready-version-") as scratch:
        folder = Path(scratch) / economy
        folder.mkdir()
        published.write_files(folder, files)
        return read_overlay_folder(folder)


def publish(session: Session, code: str, base: Path, actor: str, note: str = "",
            built: BuiltOverlay | None = None) -> AuthoringVersion:
    """Publish the draft as a new version and commit; learners see it at once."""
    row = _economy(session, code)
    built = built or build_overlay(store.load_content(session, code), base)
    if built.errors:
        raise PublishRefused(built.errors)
    return _new_version(session, row, built.files, actor, note, restores=None)


def rollback(session: Session, code: str, number: int, actor: str, note: str = "") -> AuthoringVersion:
    """Publish version ``number``'s files again, as a new version (history only grows)."""
    row = _economy(session, code)
    old = version(session, code, number)
    if old is None:
        raise store.NotFound(f"no version {number} of '{code}'")
    return _new_version(session, row, version_files(session, old), actor,
                        note or f"rollback to version {number}", restores=number)


def _new_version(session: Session, row: AuthoringEconomy, files: dict[str, bytes], actor: str,
                 note: str, restores: int | None) -> AuthoringVersion:
    store.store_blobs(session, {sha256(data): data for data in files.values()})
    number = (session.scalar(select(func.max(AuthoringVersion.number)).where(
        AuthoringVersion.economy == row.code)) or 0) + 1
    created = AuthoringVersion(economy=row.code, number=number, note=note, restores=restores,
                               files={path: sha256(data) for path, data in sorted(files.items())},
                               created_by=actor)
    session.add(created)
    row.published_number = number
    row.state, row.state_note, row.state_by = EDITING, "", actor
    store.audit(session, actor, row.code, "version.rolled_back" if restores else "version.published",
                f"{row.code}:{number}", number=number, restores=restores, note=note)
    # The folder first (not yet served), then the commit, then the switch.
    published.write_version(row.code, number, files)
    session.commit()
    published.make_current(row.code, number)
    published.prune(row.code)
    return created


def restore_draft(session: Session, code: str, number: int, actor: str) -> None:
    """Make version ``number`` the draft again (its items and translations)."""
    old = version(session, code, number)
    if old is None:
        raise store.NotFound(f"no version {number} of '{code}'")
    store.replace_content(session, files_content(version_files(session, old), code), actor)
    store.audit(session, actor, code, "draft.restored", f"{code}:{number}", number=number)


def sync_published(session: Session) -> list[tuple[str, int]]:
    """Write the published version of every economy to this host's published folder (for a
    host that does not share the folder, or after a restore of the database)."""
    done = []
    for row in store.economies(session):
        if row.published_number is None:
            continue
        if published.current_version(row.code) == row.published_number:
            continue
        found = version(session, row.code, row.published_number)
        if found is None:
            continue
        published.write_version(row.code, found.number, version_files(session, found))
        published.make_current(row.code, found.number)
        done.append((row.code, found.number))
    return done
