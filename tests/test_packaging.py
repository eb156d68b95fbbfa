"""A built wheel carries what the app needs at run time, not only the editable checkout."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory) -> set[str]:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "-w", str(out), str(ROOT)],
        check=True,
    )
    [wheel] = out.glob("meetingplaces-*.whl")
    return set(zipfile.ZipFile(wheel).namelist())


def test_wheel_ships_templates_static_files_and_migrations(wheel_names):
    for tracked in ("templates/base.html", "static/css/app.css", "static/js/app.js",
                    "static/favicon.ico", "static/favicon.svg", "templates/confirm.html",
                    "migrations/env.py", "migrations/script.py.mako"):
        assert f"meetingplaces/{tracked}" in wheel_names
    revisions = [n for n in wheel_names if n.startswith("meetingplaces/migrations/versions/")]
    assert len(revisions) == len(list((ROOT / "migrations/versions").glob("*.py")))


def test_wheel_ships_every_translation_catalogue(wheel_names):
    catalogues = sorted(p.relative_to(ROOT) for p in (ROOT / "translations").glob("*/*/*.po"))
    for catalogue in catalogues:
        assert f"meetingplaces/{catalogue}" in wheel_names


def test_wheel_ships_compiled_catalogues(wheel_names):
    for catalogue in (ROOT / "translations").glob("*/LC_MESSAGES/messages.po"):
        compiled = catalogue.relative_to(ROOT).with_suffix(".mo")
        assert f"meetingplaces/{compiled}" in wheel_names
