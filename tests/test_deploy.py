"""deploy/: the scheduled jobs name commands the app has, every timer starts a job that exists,
and gunicorn's settings load."""

import runpy
from configparser import ConfigParser
from pathlib import Path

import click
import pytest

from meetingplaces import create_app

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
JOBS = sorted((DEPLOY / "systemd" / "jobs").glob("*.env"))


def job_command(path: Path) -> list[str]:
    [line] = [line for line in path.read_text().splitlines() if line.startswith("JOB=")]
    return line.removeprefix("JOB=").split()


@pytest.mark.parametrize("job", JOBS, ids=[job.stem for job in JOBS])
def test_each_scheduled_job_names_a_command_of_the_app(job, tmp_path):
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x"})
    words = job_command(job)
    group = app.cli
    with click.Context(group) as context:
        command = group
        while words and isinstance(command, click.Group):
            found = command.get_command(context, words[0])
            assert found is not None, f"{job.name}: no command {words[0]!r}"
            command, words = found, words[1:]
        assert not isinstance(command, click.Group), f"{job.name} names a group only"
        command.make_context(command.name, list(words), parent=context)  # its options parse


def test_every_timer_starts_a_job_with_an_env_file():
    timers = sorted((DEPLOY / "systemd").glob("meetingplaces-*.timer"))
    assert timers
    for timer in timers:
        unit = ConfigParser(interpolation=None)
        unit.read(timer)
        job = unit["Timer"]["Unit"].removeprefix("meetingplaces-job@").removesuffix(".service")
        assert (DEPLOY / "systemd" / "jobs" / f"{job}.env").is_file(), timer.name
    assert {job.stem for job in JOBS} == {t.stem.removeprefix("meetingplaces-") for t in timers}


def test_gunicorn_settings_load_and_serve_the_app_factory(monkeypatch):
    monkeypatch.setenv("MEETINGPLACES_GUNICORN_WORKERS", "3")
    settings = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert settings["wsgi_app"] == "meetingplaces:create_app()"
    assert settings["workers"] == 3 and settings["accesslog"] is None
