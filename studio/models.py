"""Every Studio table, gathered so Alembic and the app see the same metadata (the overlay
drafts themselves are core tables: digiready.authoring.models)."""
from digiready.authoring.models import (  # noqa: F401  (the drafts the Studio edits)
    AuthoringAudit,
    AuthoringEconomy,
)
from studio.accounts.models import StudioInvitation, StudioMembership, StudioUser

__all__ = ["StudioInvitation", "StudioMembership", "StudioUser"]
