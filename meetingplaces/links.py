"""Absolute links and the hosts we answer to: both come from the configured public base URL
(BASE_URL), never from what a request claims in its Host header.

Without BASE_URL (development) a link in a request uses the request's host, and outside a
request (cron) `http://localhost`; every host is accepted. Production sets BASE_URL.
"""

from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for


def absolute_url(endpoint: str, **values) -> str:
    """The absolute address of `endpoint` for a mail, a poster or a feed."""
    base = current_app.config.get("BASE_URL")
    if not base:
        if has_request_context() or current_app.config.get("SERVER_NAME"):
            return url_for(endpoint, _external=True, **values)
        # Outside a request (cron, the demo loader) no request context is pushed: popping it
        # would run the request teardown, which ends the caller's SQLite write transaction.
        base = "http://localhost"
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https"
    )
    current_app.inject_url_defaults(endpoint, values)
    return adapter.build(endpoint, values, force_external=True)


def base_url() -> str:
    """The site's root with a trailing slash: BASE_URL, else (development) the request's."""
    base = current_app.config.get("BASE_URL")
    if base:
        return base + "/"
    if has_request_context():
        return f"{request.scheme}://{request.host}{request.script_root}/"
    return "http://localhost/"


def allowed_hosts(config) -> frozenset[str] | None:
    """The Host header values we answer to, lower-cased; None means any (no BASE_URL)."""
    base = config.get("BASE_URL")
    if not base:
        return None
    hosts = {urlsplit(base).netloc.lower()}
    hosts.update(host.lower() for host in config.get("ALLOWED_HOSTS") or ())
    return frozenset(hosts)


def is_allowed_host(host: str, config) -> bool:
    hosts = allowed_hosts(config)
    if hosts is None:
        return True
    host = (host or "").lower()
    return host in hosts or host.rsplit(":", 1)[0] in hosts and _port_matches(host, config)


def _port_matches(host: str, config) -> bool:
    """`example.org:443` for https and `:80` for http name the same site as `example.org`."""
    scheme = urlsplit(config["BASE_URL"]).scheme
    port = host.rsplit(":", 1)[1]
    return (scheme, port) in {("https", "443"), ("http", "80")}


def same_site_path(target: str | None) -> str | None:
    """`target` if it is a path on this site (`/events?x=1`), else None: no scheme, no host,
    no `//` or `\\` that a browser would read as another host, no control characters or
    spaces (browsers drop tabs and line breaks, so `/\\t/evil.example` is `//evil.example`)."""
    if not target or not target.startswith("/") or len(target) > 2000:
        return None
    if any(ord(c) < 0x21 or ord(c) == 0x7F or c == "\\" for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return None
    return target
