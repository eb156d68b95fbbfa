"""Do logins, registrations and reset requests take as long for an unknown address as for a known
one? (issue 13: a login took 90 ms for an existing account, 9 ms otherwise.)

Through the app's test client on a temporary SQLite database, alternating known and unknown
addresses so that load on a shared machine hits both alike; prints the median wall time of each.

    python bench/accounts.py [--rounds 15]
"""

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from meetingplaces import create_app  # noqa: E402
from meetingplaces.extensions import db  # noqa: E402
from meetingplaces.models import Quarter, User  # noqa: E402

PASSWORD = "a long enough passphrase"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as root:
        app = create_app({
            "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root}/bench.sqlite",
            "RATELIMIT_ENABLED": False, "MAIL_SEND_AFTER_REQUEST": False,
        })
        with app.app_context():
            db.create_all()
            quarter = Quarter(slug="q", name="Q", city="Wuppertal")
            user = User(email="known@example.org", name="Known")
            user.set_password(PASSWORD)
            db.session.add_all([quarter, user])
            db.session.commit()
            quarter_id = quarter.id
        client = app.test_client()
        token = TOKEN.search(client.get("/auth/login").get_data(as_text=True)).group(1)
        times: dict[str, list[float]] = {}

        def measure(name: str, url: str, data: dict) -> None:
            started = time.perf_counter()
            response = client.post(url, data={"csrf_token": token, **data})
            times.setdefault(name, []).append(time.perf_counter() - started)
            assert response.status_code < 500, response.status_code

        for n in range(rounds):
            for who in ("known", "unknown"):
                email = "known@example.org" if who == "known" else f"nobody{n}@example.org"
                measure(f"login, {who} address", "/auth/login",
                        {"email": email, "password": "wrong password"})
                measure(f"reset request, {who} address", "/auth/forgot-password",
                        {"email": email})
                measure(f"registration, {who} address", "/auth/register", {
                    "organisation_name": f"Verein {who} {n}", "kind": "initiative",
                    "quarter": str(quarter_id), "description": "", "name": "Someone",
                    "email": email if who == "known" else f"new{n}@example.org",
                    "password": PASSWORD, "confirm": PASSWORD})
        for name, values in times.items():
            print(f"{name:34} median {statistics.median(values) * 1000:7.1f} ms "
                  f"(n={len(values)})")


if __name__ == "__main__":
    main()
