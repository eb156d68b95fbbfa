"""Private booking feeds: an organisation's for its members, a resource's for its managers;
a secret link per subscriber, renewed on request."""

from flask import abort, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from ...booking import schedule
from ...booking.feeds import feed_calendar, feed_for_token, feed_of, renew_feed
from ...errors import DomainError
from ...extensions import db
from ...forms.base import ConfirmForm
from ...links import absolute_url
from ...models import Organisation, Resource
from ...policy import can
from ..clock import now
from ..ics_responses import conditional_calendar
from .blueprint import bp, zone


@bp.get("/feeds")
@login_required
def feeds():
    return _render_feeds(new_url=None)


@bp.post("/feeds/<kind>/<slug>")
@login_required
def renew(kind: str, slug: str):
    model = {"organisation": Organisation, "resource": Resource}.get(kind) or abort(404)
    thing = db.session.scalar(select(model).where(model.slug == slug)) or abort(404)
    if not ConfirmForm().validate():
        abort(400)
    if not can(current_user, "subscribe_bookings", thing):
        abort(403)
    token = renew_feed(db.session, actor=current_user, thing=thing, now=now())
    db.session.commit()
    return _render_feeds(new_thing=thing,
                         new_url=absolute_url("bookings.feed", token=token))


@bp.get("/feeds/<token>.ics")
def feed(token: str):
    try:
        subscription = feed_for_token(db.session, token)
    except DomainError:
        abort(404)
    body = feed_calendar(db.session, subscription, now=now(), zone=zone())
    response = conditional_calendar(body, cache_control="private, max-age=300",
                                    disposition="inline; filename=bookings.ics")
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _render_feeds(**context):
    organisations = [m.organisation for m in current_user.memberships]
    resources = schedule.subscribable_resources(db.session, current_user)
    return render_template(
        "bookings/feeds.html", form=ConfirmForm(),
        organisations=[(o, feed_of(db.session, o)) for o in organisations],
        resources=[(r, feed_of(db.session, r)) for r in resources], **context)
