"""Make sure the browser tests have what they need: Debian's Chromium, and from npm axe-core
and ical.js (Thunderbird's iCalendar parser, read by tests/test_calendar_interop.py).

Run by `make test`. Installs with apt-get only when running as root and Chromium is missing;
otherwise the browser tests skip and say why.
"""

import os
import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"


def ensure_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print("Chromium missing and not root: browser tests will be skipped.")
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False, env=env)


NPM_PACKAGES = ("axe-core", "ical.js")


def ensure_npm_packages() -> None:
    tooling = HERE / "browser"
    if not (tooling / "package.json").exists() or all(
            (tooling / "node_modules" / name).exists() for name in NPM_PACKAGES):
        return
    if not shutil.which("npm"):
        print("npm missing: accessibility checks and the ical.js reader will be skipped.")
        return
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=tooling, check=False)


if __name__ == "__main__":
    ensure_chromium()
    ensure_npm_packages()
