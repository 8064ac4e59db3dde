"""Previews of a draft: the draft's files frozen under a token, shown by the LTI tool's own
learner pages (the same templates, the same code, the same CSS as a learner gets).

The Studio freezes the draft (:func:`create`); any host of the LTI tool turns the token into a
folder of files on its disk (:func:`overlay_folder`), which :func:`digiready.packs.load_pack`
loads like any overlay. Nothing of a preview is ever published.
"""
from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete
from sqlalchemy.orm import Session

from digiready import config
from digiready.authoring import store
from digiready.authoring.build import build_overlay
from digiready.authoring.content import sha256
from digiready.authoring.models import AuthoringPreview, utcnow
from digiready.packs import published

LIFETIME = timedelta(hours=8)


class PreviewRefused(Exception):
    def __init__(self, issues) -> None:
        super().__init__("; ".join(map(str, issues[:5])))
        self.issues = issues


def create(session: Session, code: str, language: str, base: Path, actor: str) -> str:
    built = build_overlay(store.load_content(session, code), base)
    if built.errors:
        raise PreviewRefused(built.errors)
    store.store_blobs(session, {sha256(d): d for d in built.files.values()})
    token = secrets.token_urlsafe(24)
    session.execute(delete(AuthoringPreview).where(AuthoringPreview.expires_at < utcnow()))
    session.add(AuthoringPreview(token=token, economy=code, language=language,
                                 files={p: sha256(d) for p, d in built.files.items()},
                                 expires_at=utcnow() + LIFETIME, created_by=actor))
    return token


def find(session: Session, token: str) -> AuthoringPreview | None:
    row = session.get(AuthoringPreview, token[:64]) if token else None
    if row is None:
        return None
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=utcnow().tzinfo)
    return row if expires > utcnow() else None


def overlay_folder(session: Session, row: AuthoringPreview) -> Path:
    """The preview's files on this host (written once, named by their content)."""
    digest = sha256("\n".join(f"{p}:{h}" for p, h in sorted(row.files.items())).encode())[:24]
    folder = config.var_dir() / "previews" / f"{row.economy}-{digest}"
    if not (folder / "overlay.yaml").is_file():
        data = store.blobs(session, row.files.values())
        staging = folder.with_name(folder.name + f".{secrets.token_hex(4)}")
        published.write_files(staging, {p: data[h] for p, h in row.files.items()})
        try:
            staging.rename(folder)
        except OSError:  # another worker wrote it first
            import shutil

            shutil.rmtree(staging, ignore_errors=True)
    return folder
