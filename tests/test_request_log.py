"""One structured line per request, its id on the response and in the mail's log lines."""

import json
import logging

import pytest
from sqlalchemy import select

from meetingplaces.mail import send_due
from meetingplaces.models import OutboxMessage

REQUESTS = "meetingplaces.requests"


def request_lines(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == REQUESTS]


def test_each_request_logs_one_line_with_its_id_and_timing(client, caplog):
    caplog.set_level(logging.INFO, logger="meetingplaces")
    response = client.get("/healthz?lang=en")
    [line] = request_lines(caplog)
    assert line.request_id == response.headers["X-Request-ID"]
    assert (line.method, line.path, line.status) == ("GET", "/healthz", 200)
    assert line.duration_ms >= 0 and line.user_id is None
    assert "lang" not in line.getMessage()  # no query string


def test_request_ids_differ_and_an_incoming_one_is_ignored_without_a_proxy(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz", headers={"X-Request-ID": "from-the-client-1234"})
    assert first != second.headers["X-Request-ID"] != "from-the-client-1234"


@pytest.mark.parametrize("app_config", [{"PROXY_COUNT": 1}])
def test_the_proxy_request_id_is_taken_over_when_sane(client):
    sane = "0123456789abcdef0123456789abcdef"
    assert client.get("/healthz", headers={"X-Request-ID": sane}).headers["X-Request-ID"] == sane
    for insane in ("short", "x" * 200, "spaces are not ok here", "<script>alert(1)</script>"):
        answered = client.get("/healthz", headers={"X-Request-ID": insane})
        assert answered.headers["X-Request-ID"] != insane


def test_tokens_in_paths_never_reach_the_log(client, caplog):
    caplog.set_level(logging.INFO, logger="meetingplaces")
    client.get("/auth/reset-password/short-but-secret-token")
    client.get("/no/such/page/Zm9vYmFyYmF6cXV4cXV1eHF1dXgxMjM0NTY3ODk")
    paths = [line.path for line in request_lines(caplog)]
    assert paths == ["/auth/reset-password/…", "/no/such/page/…"]
    assert all("secret" not in record.getMessage() for record in caplog.records)


def test_a_logged_in_request_names_the_user_by_id_only(browser, make, caplog):
    user = make.user(email="person@example.org", name="Eine Person")
    browser.login("person@example.org")
    caplog.set_level(logging.INFO, logger="meetingplaces")
    caplog.clear()
    browser.get("/")
    [line] = request_lines(caplog)
    assert line.user_id == user.id
    text = json.dumps(vars(line), default=str)
    assert "person@example.org" not in text and "Eine Person" not in text


@pytest.mark.parametrize("app_config", [{"LOG_FORMAT": "json"}])
def test_json_lines_carry_the_documented_fields(client, capsys):
    response = client.get("/healthz")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    [line] = [line for line in lines if line["logger"] == REQUESTS]
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert {"time", "level", "method", "path", "status", "duration_ms", "user_id"} <= set(line)
    assert line["time"].endswith("+00:00")


@pytest.mark.parametrize("app_config", [{"LOG_FORMAT": "json"}])
def test_an_error_logs_its_traceback_in_the_same_json_shape(app, capsys):
    def broken():
        raise RuntimeError("something broke")

    app.add_url_rule("/broken-for-test", view_func=broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/broken-for-test")
    assert response.status_code == 500
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    [error] = [line for line in lines if "traceback" in line]
    assert "RuntimeError: something broke" in error["traceback"]
    assert error["request_id"] == response.headers["X-Request-ID"]
    [request_line] = [line for line in lines if line["logger"] == REQUESTS]
    assert request_line["status"] == 500 and request_line["level"] == "ERROR"


def test_mail_log_lines_name_the_request_that_queued_the_mail(
        app, browser, make, session, smtp_sink, caplog):
    app.config.update(MAIL_SERVER=smtp_sink.host, MAIL_PORT=smtp_sink.port)
    make.user(email="forgetful@example.org")
    response = browser.post("/auth/forgot-password", {"email": "forgetful@example.org"})
    assert response.status_code in (200, 302)
    [message] = session.scalars(select(OutboxMessage)).all()
    assert message.request_id == response.headers["X-Request-ID"]
    caplog.set_level(logging.INFO, logger="meetingplaces")
    assert send_due(session, app.config) == (1, 0)
    [sent] = [r for r in caplog.records if r.name == "meetingplaces.mail"]
    assert sent.request_id == message.request_id and sent.mail_id == message.id
    assert "forgetful@example.org" not in sent.getMessage()
