"""Every portal table, imported in one place so Alembic and the app see the same metadata.

Each area keeps its own ``models`` module (as Indico does); this module only gathers them.
"""
from symposium_portal.admin.models import AuditEntry, Staff
from symposium_portal.evaluation.models import (
    EvaluationResponse,
    EvaluationSubmission,
    LearningObjective,
)
from symposium_portal.network.models import Block, MeetingRequest, MeetingSlot, Report
from symposium_portal.outbox import OutboxMessage
from symposium_portal.programme.models import (
    Attendance,
    Day,
    Event,
    Session,
    Speaker,
    session_speaker,
)
from symposium_portal.registration.models import Registration

__all__ = [
    "Attendance", "AuditEntry", "Block", "Day", "EvaluationResponse", "EvaluationSubmission", "Event",
    "LearningObjective", "MeetingRequest", "MeetingSlot", "OutboxMessage", "Registration",
    "Report", "Session", "Speaker", "Staff", "session_speaker",
]
