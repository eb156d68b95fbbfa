"""rounds: Spielmobil rounds, stops, staff

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

import meetingplaces.models.types

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('staff_feed_tokens',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', meetingplaces.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_staff_feed_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_staff_feed_tokens')),
    sa.UniqueConstraint('token_digest', name=op.f('uq_staff_feed_tokens_token_digest'))
    )
    op.create_table('rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('season_start', sa.Date(), nullable=False),
    sa.Column('season_end', sa.Date(), nullable=False),
    sa.Column('travel_minutes', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', meetingplaces.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('active', 'ended')", name=op.f('ck_rounds_status')),
    sa.CheckConstraint('season_end >= season_start', name=op.f('ck_rounds_season')),
    sa.CheckConstraint('travel_minutes >= 0', name=op.f('ck_rounds_travel_minutes')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_rounds_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], name=op.f('fk_rounds_resource_id_resources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rounds'))
    )
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rounds_resource_id'), ['resource_id'], unique=False)

    op.create_table('round_stops',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('local_start', sa.Time(), nullable=False),
    sa.Column('local_end', sa.Time(), nullable=False),
    sa.Column('place_name', sa.String(length=160), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('quarter_id', sa.Integer(), nullable=False),
    sa.Column('latitude', sa.Double(), nullable=True),
    sa.Column('longitude', sa.Double(), nullable=True),
    sa.Column('staff_needed', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_until', sa.Date(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('latitude IS NULL OR (latitude BETWEEN -90 AND 90)', name=op.f('ck_round_stops_latitude')),
    sa.CheckConstraint('local_end > local_start', name=op.f('ck_round_stops_ends_after_starts')),
    sa.CheckConstraint('longitude IS NULL OR (longitude BETWEEN -180 AND 180)', name=op.f('ck_round_stops_longitude')),
    sa.CheckConstraint('staff_needed >= 0', name=op.f('ck_round_stops_staff_needed')),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_round_stops_weekday')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_round_stops_event_id_events'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['quarter_id'], ['quarters.id'], name=op.f('fk_round_stops_quarter_id_quarters')),
    sa.ForeignKeyConstraint(['replaces_id'], ['round_stops.id'], name=op.f('fk_round_stops_replaces_id_round_stops'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_round_stops_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_stops'))
    )
    with op.batch_alter_table('round_stops', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_stops_quarter_id'), ['quarter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_round_stops_round_id'), ['round_id'], unique=False)

    op.create_table('round_travel_times',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('from_place', sa.String(length=160), nullable=False),
    sa.Column('to_place', sa.String(length=160), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.CheckConstraint('minutes >= 0', name=op.f('ck_round_travel_times_minutes')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_round_travel_times_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_travel_times')),
    sa.UniqueConstraint('round_id', 'from_place', 'to_place', name='uq_round_travel_times_pair')
    )
    op.create_table('round_dates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stop_id', sa.Integer(), nullable=False),
    sa.Column('original_date', sa.Date(), nullable=False),
    sa.Column('starts_at', meetingplaces.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', meetingplaces.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('is_extra', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.CheckConstraint("status IN ('planned', 'cancelled', 'moved')", name=op.f('ck_round_dates_status')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_round_dates_ends_after_starts')),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_round_dates_booking_id_bookings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_round_dates_event_id_events'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['stop_id'], ['round_stops.id'], name=op.f('fk_round_dates_stop_id_round_stops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_dates')),
    sa.UniqueConstraint('stop_id', 'original_date', name='uq_round_dates_stop_date')
    )
    with op.batch_alter_table('round_dates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_dates_booking_id'), ['booking_id'], unique=False)
        batch_op.create_index('ix_round_dates_starts_at', ['starts_at'], unique=False)

    op.create_table('round_date_staff',
    sa.Column('round_date_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_date_id'], ['round_dates.id'], name=op.f('fk_round_date_staff_round_date_id_round_dates'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_round_date_staff_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_date_id', 'user_id', name=op.f('pk_round_date_staff'))
    )
    with op.batch_alter_table('occurrence_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('keep_in_feed', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))



def downgrade():
    with op.batch_alter_table('occurrence_changes', schema=None) as batch_op:
        batch_op.drop_column('keep_in_feed')

    op.drop_table('round_date_staff')
    with op.batch_alter_table('round_dates', schema=None) as batch_op:
        batch_op.drop_index('ix_round_dates_starts_at')
        batch_op.drop_index(batch_op.f('ix_round_dates_booking_id'))

    op.drop_table('round_dates')
    op.drop_table('round_travel_times')
    with op.batch_alter_table('round_stops', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_stops_round_id'))
        batch_op.drop_index(batch_op.f('ix_round_stops_quarter_id'))

    op.drop_table('round_stops')
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rounds_resource_id'))

    op.drop_table('rounds')
    op.drop_table('staff_feed_tokens')
