"""Audit log: who changed what, recorded in the same transaction as the change.

Details hold ids and field names, not personal data, so the log can be kept after an account
is deleted.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from symposium_portal.admin.models import AuditEntry


def record(session: Session, actor: str, action: str, target: str = "",
           **details: object) -> None:
    session.add(AuditEntry(actor=actor, action=action, target=target, details=details))
