"""The application shell: configuration, schema, security headers, demo data."""

from sqlalchemy import create_engine, text

from meetingplaces import create_app


def test_home_lists_quarters_by_city(client, make):
    make.quarter(name="Ostersbaum", city="Wuppertal")
    make.quarter(name="Grone", city="Göttingen")
    html = client.get("/").get_data(as_text=True)
    assert "Ostersbaum" in html and "Grone" in html
    assert html.index(">Göttingen</h2>") < html.index(">Wuppertal</h2>")


def test_pages_forbid_inline_scripts(client):
    response = client.get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "<script>" not in response.get_data(as_text=True)


def test_german_is_the_default_language(client):
    html = client.get("/").get_data(as_text=True)
    assert 'lang="de"' in html


def test_unknown_quarter_is_404(client):
    assert client.get("/quarters/nowhere").status_code == 404


def test_secret_key_is_generated_once_into_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("MEETINGPLACES_SECRET_KEY", raising=False)
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path))
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    key_file = tmp_path / "secret_key"
    assert key_file.read_text() == first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32
    assert oct(key_file.stat().st_mode)[-3:] == "600"


def test_environment_overrides_instance_config(tmp_path, monkeypatch):
    monkeypatch.setenv("MEETINGPLACES_TIMEZONE", "Europe/Vienna")
    monkeypatch.setenv("MEETINGPLACES_HOLIDAY_REGION", "NI")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    assert app.config["TIMEZONE"] == "Europe/Vienna"
    assert app.config["HOLIDAY_REGION"] == "NI"


def test_plain_postgresql_url_uses_psycopg3(monkeypatch):
    monkeypatch.setenv("MEETINGPLACES_DATABASE_URL", "postgresql://u@localhost/db")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@localhost/db"


def test_sqlite_runs_with_foreign_keys_and_wal(app, database):
    if database["kind"] != "sqlite":
        return
    engine = create_engine(database["url"])
    import meetingplaces.database  # noqa: F401

    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    engine.dispose()
