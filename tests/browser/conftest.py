"""Real Chromium against a live server: the demo city in a temporary SQLite database, served by
werkzeug on a free loopback port in a background thread.

Debian's Chromium only (`tests/browser_setup.py` installs it for `make test`); Playwright never
downloads a browser. axe-core comes from the npm registry into tests/browser/node_modules.
"""

import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from meetingplaces import create_app
from meetingplaces.demo import load_demo
from meetingplaces.extensions import db
from scripts import translations

HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Date and time fields follow the page's lang (dd.mm.yyyy, 24 hours in German) rather than
    # the machine's locale, as in a German person's browser; keyboard tests type into them.
    "--enable-blink-features=LangAttributeAwareFormControlUI",
]
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = HERE.parent / "artifacts"


@contextmanager
def serving(app):
    """The app served by werkzeug on a free loopback port in a background thread; yields its
    base URL and stops the server on leaving."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: run `make test` as root or `apt-get install chromium`")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The base URL of the app with the demo city, served until the test session ends."""
    root = tmp_path_factory.mktemp("live")
    translations.compile_all(root / "translations")
    app = create_app(
        {
            "SECRET_KEY": "browser-test-secret-key",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'demo.sqlite'}",
            "BABEL_TRANSLATION_DIRECTORIES": str(root / "translations"),
            "MAIL_SEND_AFTER_REQUEST": False,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    app.instance_path = str(root / "instance")
    with app.app_context():
        db.create_all()
        load_demo(db.session)
        db.session.commit()
        db.engine.dispose()
    with serving(app) as base_url:
        yield base_url


@pytest.fixture
def page(chromium, live_server):
    """A fresh browser tab (own cookies) at phone width unless a test resizes it."""
    context = chromium.new_context(
        base_url=live_server, viewport={"width": 360, "height": 740}, locale="de-DE"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def axe():
    """Runs axe-core on the page and returns its violations of the given impacts."""
    if not AXE.exists():
        pytest.skip("axe-core missing: run `npm ci` in tests/browser (make test does)")
    source = AXE.read_text(encoding="utf-8")

    def run(page, impacts=("serious", "critical")) -> list[dict]:
        # evaluate() runs through the DevTools protocol, outside the page's CSP.
        page.evaluate(source)
        result = page.evaluate(
            "() => axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
        )
        return [v for v in result["violations"] if v["impact"] in impacts]

    return run


@pytest.fixture
def screenshot():
    """Saves a full-page screenshot under tests/artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)

    def save(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
