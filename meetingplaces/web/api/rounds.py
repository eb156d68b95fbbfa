"""JSON API: Spielmobil rounds (list, plan and save a season, read it, cancel, move or restore
one date).
Thin: read the validated body, call one function of meetingplaces.rounds, answer."""

import datetime as dt
from datetime import date, datetime
from typing import Literal

from flask_babel import gettext as _
from pydantic import Field
from sqlalchemy import select

from ...errors import Conflict, Forbidden, InvalidInput, NotFound
from ...extensions import db
from ...i18n import day_text
from ...models import Quarter, Resource
from ...models.rounds import Round, RoundDate
from ...policy import can
from ...rounds import SkipPeriod, StopInput, cancel_date, move_date, restore_date, save_round
from ..clock import now
from ..context import booking_settings
from . import api_user, bp
from .contract import (
    ID_CONVERTER,
    ClockTime,
    Day,
    ErrorBody,
    Id,
    Input,
    Line,
    Moment,
    Output,
    PageQuery,
    operation,
    page,
    path_date,
    validated_body,
    validated_query,
)
from .idempotency import idempotent
from .times import local, timezone_name, wall_clock

# --- what the API shows of a round --------------------------------------------------------------

class RoundDateOut(Output):
    id: int
    stop_id: int
    date: dt.date = Field(description="The date the weekly rule gave the stop")
    starts_at: datetime
    ends_at: datetime
    timezone: str
    place_name: str
    status: Literal["planned", "cancelled", "moved"]
    reason: str
    extra: bool
    booking_id: int | None
    event_id: int | None


class StopOut(Output):
    id: int
    weekday: int = Field(description="0 = Monday")
    start_time: str = Field(description="HH:MM, the city's wall-clock time")
    end_time: str
    place_name: str
    address: str
    quarter_id: int
    latitude: float | None
    longitude: float | None
    staff_needed: int
    effective_from: date
    effective_until: date | None
    event_id: int | None


class RoundOut(Output):
    id: int
    name: str
    resource_id: int
    season_start: date
    season_end: date
    timezone: str
    travel_minutes: int
    status: Literal["active", "ended"]
    stops: list[StopOut]
    dates: list[RoundDateOut]


class RoundPage(Output):
    items: list[RoundOut]
    next_cursor: str | None


class RoundDates(Output):
    items: list[RoundDateOut]


class Clash(Output):
    kind: Literal["overlap", "travel", "booked", "requested"]
    message: str
    date: dt.date | None
    stops: list[int] = Field(description="Indexes of the clashing stops in the plan")


class RoundClashBody(ErrorBody):
    clashes: list[Clash]


def round_date_json(round_date: RoundDate) -> dict:
    return {
        "id": round_date.id,
        "stop_id": round_date.stop_id,
        "date": round_date.original_date,
        "starts_at": local(round_date.starts_at),
        "ends_at": local(round_date.ends_at),
        "timezone": timezone_name(),
        "place_name": round_date.stop.place_name,
        "status": round_date.status,
        "reason": round_date.reason,
        "extra": round_date.is_extra,
        "booking_id": round_date.booking_id,
        "event_id": round_date.event_id,
    }


def round_json(round_: Round) -> dict:
    return {
        "id": round_.id,
        "name": round_.name,
        "resource_id": round_.resource_id,
        "season_start": round_.season_start,
        "season_end": round_.season_end,
        "timezone": timezone_name(),
        "travel_minutes": round_.travel_minutes,
        "status": round_.status,
        "stops": [{
            "id": s.id, "weekday": s.weekday, "start_time": s.local_start.strftime("%H:%M"),
            "end_time": s.local_end.strftime("%H:%M"), "place_name": s.place_name,
            "address": s.address, "quarter_id": s.quarter_id, "latitude": s.latitude,
            "longitude": s.longitude, "staff_needed": s.staff_needed,
            "effective_from": s.effective_from, "effective_until": s.effective_until,
            "event_id": s.event_id,
        } for s in round_.stops],
        "dates": [round_date_json(d) for d in sorted(
            (d for s in round_.stops for d in s.dates), key=lambda d: d.starts_at)],
    }


# --- list ---------------------------------------------------------------------------------------

@bp.get("/rounds")
@operation(roles="managers of the van's quarter, admins, the Spielmobil team",
           query=PageQuery, out=RoundPage, tag="rounds")
def rounds_list():
    """The rounds the caller may see, newest first."""
    user = api_user()
    query = validated_query()
    statement = select(Round)
    if not can(user, "list_all", Round):
        statement = statement.join(Resource, Resource.id == Round.resource_id).where(
            Resource.quarter_id.in_([q.id for q in user.managed_quarters]))
    if query.cursor is not None:
        statement = statement.where(Round.id < int(query.cursor))
    rows = list(db.session.scalars(statement.order_by(Round.id.desc()).limit(query.limit + 1)))
    return page([round_json(r) for r in rows if can(user, "view", r)], query.limit,
                lambda item: item["id"])


# --- plan ---------------------------------------------------------------------------------------

class StopIn(Input):
    weekday: int = Field(ge=0, le=6, description="0 = Monday")
    start_time: ClockTime
    end_time: ClockTime
    place_name: Line(160, min_length=1)
    address: Line(300)
    quarter_id: Id
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    staff_needed: int = Field(1, ge=0, le=20)


class SkipIn(Input):
    start_date: Day = Field(description="First day the van stays home")
    end_date: Day = Field(description="Last day the van stays home")
    reason: Line(200) = ""


class TravelIn(Input):
    from_place: Line(160)
    to_place: Line(160)
    minutes: int = Field(ge=0, le=600)


class RoundIn(Input):
    resource_id: Id = Field(description="A mobile resource such as the Spielmobil")
    name: Line(160) = ""
    season_start: Day
    season_end: Day
    travel_minutes: int = Field(30, ge=0, le=600)
    stops: list[StopIn] = Field(min_length=1, max_length=50)
    skip_periods: list[SkipIn] = Field(default_factory=list, max_length=50)
    travel_times: list[TravelIn] = Field(default_factory=list, max_length=200)


def _stop(stop: StopIn, index: int) -> StopInput:
    quarter = db.session.get(Quarter, stop.quarter_id)
    if quarter is None:
        raise InvalidInput(_("Choose the quarter of each stop."),
                           field=f"stops[{index}].quarter_id")
    return StopInput(weekday=stop.weekday, local_start=stop.start_time,
                     local_end=stop.end_time, place_name=stop.place_name,
                     address=stop.address, quarter=quarter, latitude=stop.latitude,
                     longitude=stop.longitude, staff_needed=stop.staff_needed)


@bp.post("/rounds")
@idempotent  # outside the declared operation: keeps its final answer
@operation(roles="managers of the van's quarter, admins", body=RoundIn, ok=201, out=RoundOut,
           errors={409: RoundClashBody}, tag="rounds")
def round_create():
    """Plan and save a Spielmobil season: a confirmed booking of the van per date and a public
    event per stop; every clash is listed (409) and then nothing is saved."""
    user = api_user()
    body = validated_body()
    resource = db.session.get(Resource, body.resource_id)
    if resource is None:
        raise InvalidInput(_("Choose a mobile resource such as the Spielmobil."),
                           field="resource_id")
    round_ = save_round(
        db.session, actor=user, resource=resource, name=body.name or resource.name,
        season_start=body.season_start, season_end=body.season_end,
        stops=[_stop(stop, index) for index, stop in enumerate(body.stops)],
        skip_periods=[SkipPeriod(s.start_date, s.end_date, s.reason)
                      for s in body.skip_periods],
        travel_minutes=body.travel_minutes,
        travel_times={(t.from_place, t.to_place): t.minutes for t in body.travel_times},
        now=now(), settings=booking_settings())
    db.session.commit()
    return round_json(round_), 201


def _round(round_id: int, action: str = "manage") -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise NotFound(_("There is no such round."))
    if not can(api_user(), action, round_):
        raise Forbidden(_("You may not do this."))
    return round_


@bp.get(f"/rounds/<{ID_CONVERTER}:round_id>")
@operation(roles="managers of the van's quarter, admins, the Spielmobil team", out=RoundOut,
           tag="rounds")
def round_show(round_id: int):
    """A round with its stops (every version) and dates."""
    return round_json(_round(round_id, "view"))


def dates_on(round_: Round, day: date, stop_id: int | None) -> list[RoundDate]:
    """The round's dates the rule gave that day, or the one of `stop_id` (also for the
    attendance of a date, web/api/reports.py)."""
    found = [d for s in round_.stops for d in s.dates if d.original_date == day]
    if stop_id is not None:
        found = [d for d in found if d.stop_id == stop_id]
    if not found:
        raise NotFound(_("The round has no date on %(date)s.", date=day_text(day)),
                       field="day")
    return found


class CancelDateBody(Input):
    reason: Line(500, min_length=1)
    stop_id: Id | None = Field(None, description="One stop of several that day")


@bp.post(f"/rounds/<{ID_CONVERTER}:round_id>/dates/<day>/cancel")
@operation(roles="managers of the van's quarter, admins", body=CancelDateBody, out=RoundDates,
           tag="rounds")
def round_cancel_date(round_id: int, day: str):
    """Cancel the day's stops (all, or the one of `stop_id`) with a reason."""
    user = api_user()
    body = validated_body()
    round_ = _round(round_id)
    cancelled = [
        cancel_date(db.session, actor=user, round_date=round_date, reason=body.reason,
                    now=now(), settings=booking_settings())
        for round_date in dates_on(round_, path_date(day), body.stop_id)
        if not round_date.is_cancelled
    ]
    if not cancelled:
        raise InvalidInput(_("This date is cancelled already."), field="day")
    db.session.commit()
    return {"items": [round_date_json(d) for d in cancelled]}


class RestoreDateBody(Input):
    stop_id: Id | None = Field(None, description="One stop of several that day")


@bp.post(f"/rounds/<{ID_CONVERTER}:round_id>/dates/<day>/restore")
@operation(roles="managers of the van's quarter, admins", body=RestoreDateBody,
           out=RoundDates, errors={409: RoundClashBody}, tag="rounds")
def round_restore_date(round_id: int, day: str):
    """Undo the cancellation of the day's stops (all, or the one of `stop_id`) while the van
    is still free then; 409 with the clash otherwise."""
    user = api_user()
    body = validated_body()
    round_ = _round(round_id)
    restored = [
        restore_date(db.session, actor=user, round_date=round_date, now=now(),
                     settings=booking_settings())
        for round_date in dates_on(round_, path_date(day), body.stop_id)
        if round_date.is_cancelled
    ]
    if not restored:
        raise Conflict(_("This date takes place already."), field="day")
    db.session.commit()
    return {"items": [round_date_json(d) for d in restored]}


class MoveDateBody(Input):
    starts_at: Moment
    ends_at: Moment
    stop_id: Id | None = Field(None, description="Needed when several stops have that day")
    note: Line(500) = ""


@bp.post(f"/rounds/<{ID_CONVERTER}:round_id>/dates/<day>/move")
@operation(roles="managers of the van's quarter, admins", body=MoveDateBody, out=RoundDateOut,
           errors={409: RoundClashBody}, tag="rounds")
def round_move_date(round_id: int, day: str):
    """Move one stop's date to another time or day."""
    user = api_user()
    body = validated_body()
    round_ = _round(round_id)
    found = dates_on(round_, path_date(day), body.stop_id)
    if len(found) > 1:
        raise InvalidInput(_("Several stops have this date; give stop_id."), field="stop_id")
    moved = move_date(db.session, actor=user, round_date=found[0],
                      local_start=wall_clock(body.starts_at),
                      local_end=wall_clock(body.ends_at), note=body.note, now=now(),
                      settings=booking_settings())
    db.session.commit()
    return round_date_json(moved)
