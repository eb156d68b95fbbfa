"""Spielmobil rounds: plan a season of weekly stops (planning.py), save it and change stops
from a date on or end it early (season.py), change single dates (dates.py), give way to an
initiative's request (requests.py), and the staff's private feed (calendars.py).

No Flask request here: pages and the JSON API call these functions and commit."""

from .dates import add_extra_date, assign_staff, cancel_date, move_date, restore_date, told_of
from .planning import Clash, RoundClash, RoundPlan, SkipPeriod, StopInput, plan_round
from .requests import (
    Yield,
    approve_by_yielding,
    colliding_dates,
    rounds_of,
    spielmobil_requests,
    staff_dates,
)
from .season import change_stop_from, end_season, resource_scope, save_round

__all__ = [
    "Clash",
    "RoundClash",
    "RoundPlan",
    "SkipPeriod",
    "StopInput",
    "Yield",
    "add_extra_date",
    "approve_by_yielding",
    "assign_staff",
    "cancel_date",
    "change_stop_from",
    "colliding_dates",
    "end_season",
    "move_date",
    "plan_round",
    "resource_scope",
    "restore_date",
    "rounds_of",
    "save_round",
    "spielmobil_requests",
    "staff_dates",
    "told_of",
]
