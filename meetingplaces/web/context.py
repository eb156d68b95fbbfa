"""What views hand the domain from the app's configuration: the booking settings and the key
that signs the links mailed to guests and to the waiting list. The domain never reads the
configuration itself."""

from flask import current_app

from ..booking import Settings


def booking_settings() -> Settings:
    return Settings.from_config(current_app.config)


def secret_key() -> str:
    return current_app.config["SECRET_KEY"]
