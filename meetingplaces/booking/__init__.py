"""The booking engine: requests, approval, series, rules and conflicts. No Flask request here;
pages and the API call the functions of booking.requests (re-exported below)."""

from .requests import (
    add_back_date,
    approval_queue,
    approve_booking,
    booking_by_id,
    cancel_booking,
    change_booking,
    hold_resource,
    reject_booking,
    request_booking,
    resources_by_ids,
    restore_dates,
)
from .rules import Settings

__all__ = [
    "Settings",
    "add_back_date",
    "approval_queue",
    "approve_booking",
    "booking_by_id",
    "cancel_booking",
    "change_booking",
    "hold_resource",
    "reject_booking",
    "request_booking",
    "resources_by_ids",
    "restore_dates",
]
