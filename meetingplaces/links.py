"""The app's link builder: absolute URLs for mails. The domain never builds a URL itself; it is
handed this function (create_app() gives it to the booking mails) or calls it at the edge."""

from flask import current_app, has_request_context, url_for


def external_url(endpoint: str, **values) -> str:
    """An absolute link for a mail. Outside a request (cron) it needs SERVER_NAME; without it
    the link is built for localhost rather than failing the change it reports."""
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context():
        return url_for(endpoint, _external=True, **values)
