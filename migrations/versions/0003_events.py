"""events: events, occurrences overrides, translations, feed cache

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

import meetingplaces.models.types

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('feed_bodies',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('version', sa.String(length=80), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('built_at', meetingplaces.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_feed_bodies'))
    )
    op.create_table('feed_versions',
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('changed_at', meetingplaces.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('scope', name=op.f('pk_feed_versions'))
    )
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=120), nullable=False),
    sa.Column('quarter_id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=True),
    sa.Column('place_name', sa.String(length=160), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('latitude', sa.Double(), nullable=True),
    sa.Column('longitude', sa.Double(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('show_organiser', sa.Boolean(), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('target_groups', sa.JSON(), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('is_free', sa.Boolean(), nullable=False),
    sa.Column('cost', sa.String(length=200), nullable=False),
    sa.Column('registration_required', sa.Boolean(), nullable=False),
    sa.Column('registration_contact', sa.String(length=300), nullable=False),
    sa.Column('step_free', sa.Boolean(), nullable=False),
    sa.Column('starts_at', meetingplaces.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ends_at', meetingplaces.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('rrule', sa.String(length=500), nullable=False),
    sa.Column('exdates', sa.JSON(), nullable=False),
    sa.Column('first_starts_at', meetingplaces.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_ends_at', meetingplaces.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('rejection_reason', sa.Text(), nullable=False),
    sa.Column('cancelled_at', meetingplaces.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancellation_reason', sa.Text(), nullable=False),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_at', meetingplaces.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_modified', meetingplaces.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'proposed', 'published', 'rejected', 'cancelled')", name=op.f('ck_events_status')),
    sa.CheckConstraint('(starts_at IS NOT NULL AND ends_at IS NOT NULL AND ends_at > starts_at AND start_date IS NULL AND end_date IS NULL) OR (starts_at IS NULL AND ends_at IS NULL AND start_date IS NOT NULL AND end_date IS NOT NULL AND end_date >= start_date)', name=op.f('ck_events_timed_or_all_day')),
    sa.CheckConstraint('latitude IS NULL OR (latitude BETWEEN -90 AND 90)', name=op.f('ck_events_latitude')),
    sa.CheckConstraint('longitude IS NULL OR (longitude BETWEEN -180 AND 180)', name=op.f('ck_events_longitude')),
    sa.CheckConstraint('sequence >= 0', name=op.f('ck_events_sequence')),
    sa.ForeignKeyConstraint(['facility_id'], ['facilities.id'], name=op.f('fk_events_facility_id_facilities'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_events_organisation_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_events_proposed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['quarter_id'], ['quarters.id'], name=op.f('fk_events_quarter_id_quarters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    sa.UniqueConstraint('uid', name=op.f('uq_events_uid'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_facility_id'), ['facility_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_quarter_id'), ['quarter_id'], unique=False)
        batch_op.create_index('ix_events_window', ['quarter_id', 'status', 'first_starts_at'], unique=False)

    op.create_table('event_calendar_blocks',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('block', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_calendar_blocks_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'language', name=op.f('pk_event_calendar_blocks'))
    )
    op.create_table('event_translations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_translations_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_translations')),
    sa.UniqueConstraint('event_id', 'language', name='uq_event_translations_language')
    )
    op.create_table('occurrence_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('original_date', sa.Date(), nullable=False),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.Column('starts_at', meetingplaces.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ends_at', meetingplaces.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', meetingplaces.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('start_date IS NULL OR (end_date IS NOT NULL AND end_date >= start_date)', name=op.f('ck_occurrence_changes_moved_days')),
    sa.CheckConstraint('starts_at IS NULL OR (ends_at IS NOT NULL AND ends_at > starts_at)', name=op.f('ck_occurrence_changes_moved_span')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_occurrence_changes_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_occurrence_changes')),
    sa.UniqueConstraint('event_id', 'original_date', name='uq_occurrence_changes_date')
    )


def downgrade():
    op.drop_table('occurrence_changes')
    op.drop_table('event_translations')
    op.drop_table('event_calendar_blocks')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_window')
        batch_op.drop_index(batch_op.f('ix_events_quarter_id'))
        batch_op.drop_index(batch_op.f('ix_events_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_events_facility_id'))

    op.drop_table('events')
    op.drop_table('feed_versions')
    op.drop_table('feed_bodies')
