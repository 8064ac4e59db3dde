"""portal: initial schema

Revision ID: portal_0001
Revises:
Create Date: 2026-11-28

Hand-checked autogenerate output. The case-insensitive unique index that ignores withdrawn,
rejected and expired rows is added by hand (autogenerate cannot compare expression indexes).
"""
import sqlalchemy as sa
from alembic import op

ACTIVE = "status NOT IN ('withdrawn', 'rejected', 'expired')"


revision = 'portal_0001'
down_revision = None
branch_labels = ('portal',)
depends_on = None


def upgrade() -> None:
    op.create_table('portal_audit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('target', sa.String(length=64), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_audit'))
    )
    with op.batch_alter_table('portal_audit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portal_audit_at'), ['at'], unique=False)

    op.create_table('portal_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('requires_approval', sa.Boolean(), nullable=False),
    sa.Column('registration_open', sa.Boolean(), nullable=False),
    sa.Column('evaluation_open', sa.Boolean(), nullable=False),
    sa.Column('virtual_room_url', sa.String(length=500), nullable=True),
    sa.Column('lock_seq', sa.Integer(), nullable=False),
    sa.Column('seats_taken', sa.Integer(), nullable=False, server_default='0'),
    sa.Column('waitlisted_count', sa.Integer(), nullable=False, server_default='0'),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_event')),
    sa.UniqueConstraint('slug', name=op.f('uq_portal_event_slug'))
    )
    op.create_table('portal_staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('password_hash', sa.String(length=300), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_staff')),
    sa.UniqueConstraint('email', name=op.f('uq_portal_staff_email'))
    )
    op.create_table('portal_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['portal_event.id'], name=op.f('fk_portal_day_event_id_portal_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_day'))
    )
    op.create_table('portal_evaluation_response',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('economy', sa.String(length=8), nullable=True),
    sa.Column('sector', sa.String(length=16), nullable=True),
    sa.Column('satisfaction', sa.Integer(), nullable=False),
    sa.Column('relevance', sa.Integer(), nullable=False),
    sa.Column('speakers', sa.Integer(), nullable=False),
    sa.Column('nps', sa.Integer(), nullable=False),
    sa.Column('ratings', sa.JSON(), nullable=False),
    sa.Column('recommendations', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['portal_event.id'], name=op.f('fk_portal_evaluation_response_event_id_portal_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_evaluation_response')),
    sqlite_with_rowid=False
    )
    op.create_table('portal_learning_objective',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['portal_event.id'], name=op.f('fk_portal_learning_objective_event_id_portal_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_learning_objective'))
    )
    op.create_table('portal_registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=16), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('economy', sa.String(length=8), nullable=False),
    sa.Column('sector', sa.String(length=16), nullable=False),
    sa.Column('role', sa.String(length=200), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('interests', sa.JSON(), nullable=False),
    sa.Column('bio', sa.Text(), nullable=False),
    sa.Column('consent_privacy', sa.Boolean(), nullable=False),
    sa.Column('consent_directory', sa.Boolean(), nullable=False),
    sa.Column('consent_contact', sa.Boolean(), nullable=False),
    sa.Column('consents_updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('email_confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hold_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('waitlisted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hidden_by_moderator', sa.Boolean(), nullable=False),
    sa.Column('link_nonce', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['portal_event.id'], name=op.f('fk_portal_registration_event_id_portal_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_registration')),
    sa.UniqueConstraint('reference', name=op.f('uq_portal_registration_reference'))
    )
    with op.batch_alter_table('portal_registration', schema=None) as batch_op:
        batch_op.create_index('ix_portal_registration_event_status', ['event_id', 'status'], unique=False)
    op.create_index(
        'uq_portal_registration_event_email_active', 'portal_registration',
        ['event_id', sa.text('lower(email)')], unique=True,
        postgresql_where=sa.text(ACTIVE), sqlite_where=sa.text(ACTIVE),
    )

    op.create_table('portal_speaker',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.String(length=200), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('economy', sa.String(length=8), nullable=True),
    sa.Column('bio', sa.Text(), nullable=False),
    sa.Column('photo_url', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['portal_event.id'], name=op.f('fk_portal_speaker_event_id_portal_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_speaker'))
    )
    op.create_table('portal_block',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('blocker_id', sa.Integer(), nullable=False),
    sa.Column('blocked_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['blocked_id'], ['portal_registration.id'], name=op.f('fk_portal_block_blocked_id_portal_registration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['blocker_id'], ['portal_registration.id'], name=op.f('fk_portal_block_blocker_id_portal_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_block')),
    sa.UniqueConstraint('blocker_id', 'blocked_id', name=op.f('uq_portal_block_blocker_id'))
    )
    op.create_table('portal_evaluation_submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['portal_event.id'], name=op.f('fk_portal_evaluation_submission_event_id_portal_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['portal_registration.id'], name=op.f('fk_portal_evaluation_submission_registration_id_portal_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_evaluation_submission')),
    sa.UniqueConstraint('event_id', 'registration_id', name=op.f('uq_portal_evaluation_submission_event_id'))
    )
    op.create_table('portal_meeting_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requester_id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('accepted_slot_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recipient_id'], ['portal_registration.id'], name=op.f('fk_portal_meeting_request_recipient_id_portal_registration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requester_id'], ['portal_registration.id'], name=op.f('fk_portal_meeting_request_requester_id_portal_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_meeting_request'))
    )
    with op.batch_alter_table('portal_meeting_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portal_meeting_request_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_portal_meeting_request_requester_id'), ['requester_id'], unique=False)

    op.create_table('portal_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('to_email', sa.String(length=254), nullable=False),
    sa.Column('to_name', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['portal_registration.id'], name=op.f('fk_portal_outbox_registration_id_portal_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_outbox'))
    )
    with op.batch_alter_table('portal_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portal_outbox_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_portal_outbox_status'), ['status'], unique=False)

    op.create_table('portal_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=True),
    sa.Column('reported_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['reported_id'], ['portal_registration.id'], name=op.f('fk_portal_report_reported_id_portal_registration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reporter_id'], ['portal_registration.id'], name=op.f('fk_portal_report_reporter_id_portal_registration'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_report'))
    )
    op.create_table('portal_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('day_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('room_url', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['day_id'], ['portal_day.id'], name=op.f('fk_portal_session_day_id_portal_day'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['portal_event.id'], name=op.f('fk_portal_session_event_id_portal_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_session'))
    )
    with op.batch_alter_table('portal_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portal_session_event_id'), ['event_id'], unique=False)

    op.create_table('portal_meeting_slot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['portal_meeting_request.id'], name=op.f('fk_portal_meeting_slot_meeting_id_portal_meeting_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_meeting_slot'))
    )
    op.create_table('portal_session_speaker',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('speaker_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['portal_session.id'], name=op.f('fk_portal_session_speaker_session_id_portal_session'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['speaker_id'], ['portal_speaker.id'], name=op.f('fk_portal_session_speaker_speaker_id_portal_speaker'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', 'speaker_id', name=op.f('pk_portal_session_speaker'))
    )


def downgrade() -> None:
    op.drop_table('portal_session_speaker')
    op.drop_table('portal_meeting_slot')
    with op.batch_alter_table('portal_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portal_session_event_id'))

    op.drop_table('portal_session')
    op.drop_table('portal_report')
    with op.batch_alter_table('portal_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portal_outbox_status'))
        batch_op.drop_index(batch_op.f('ix_portal_outbox_registration_id'))

    op.drop_table('portal_outbox')
    with op.batch_alter_table('portal_meeting_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portal_meeting_request_requester_id'))
        batch_op.drop_index(batch_op.f('ix_portal_meeting_request_recipient_id'))

    op.drop_table('portal_meeting_request')
    op.drop_table('portal_evaluation_submission')
    op.drop_table('portal_block')
    op.drop_table('portal_speaker')
    op.drop_index('uq_portal_registration_event_email_active', table_name='portal_registration')
    with op.batch_alter_table('portal_registration', schema=None) as batch_op:
        batch_op.drop_index('ix_portal_registration_event_status')

    op.drop_table('portal_registration')
    op.drop_table('portal_learning_objective')
    op.drop_table('portal_evaluation_response')
    op.drop_table('portal_day')
    op.drop_table('portal_staff')
    op.drop_table('portal_event')
    with op.batch_alter_table('portal_audit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portal_audit_at'))

    op.drop_table('portal_audit')
