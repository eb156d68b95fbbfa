"""Gunicorn settings of one meetingplaces node (`gunicorn -c gunicorn.conf.py`).

Command-line options override these (the cluster test and `make demo-cluster` pass --bind and
--workers). Settings of the app itself come from MEETINGPLACES_* (see the README).
"""

import multiprocessing
import os

wsgi_app = "meetingplaces:create_app()"
bind = os.environ.get("MEETINGPLACES_GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: nginx buffers slow clients, so a worker is busy only while the app computes.
workers = int(os.environ.get("MEETINGPLACES_GUNICORN_WORKERS",
                             min(2 * multiprocessing.cpu_count() + 1, 9)))
timeout = 30
graceful_timeout = 20  # SIGTERM: requests in flight get this long to finish
keepalive = 2
# Recycle workers now and then; jitter keeps them from restarting together.
max_requests = 5000
max_requests_jitter = 500
# Not preloaded: each worker opens its own database pool and feed-change listener after fork.
preload_app = False
# The app writes one line per request itself (LOG_FORMAT=json), with the request id.
accesslog = None
errorlog = "-"
loglevel = "info"
# Heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# nginx sets X-Forwarded-*; the app trusts them through PROXY_COUNT (werkzeug ProxyFix).
forwarded_allow_ips = "127.0.0.1"
proc_name = "meetingplaces"
# gunicorn 25+ opens a control socket in $HOME: not used here, and two nodes on one machine
# would share its path (older gunicorn ignores the setting).
control_socket_disable = True

# With LOG_FORMAT=json gunicorn's own lines (worker starts, timeouts, crashes) are JSON too, in
# the app's shape, so one log collector rule reads the whole node.
if os.environ.get("MEETINGPLACES_LOG_FORMAT") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "root": {"level": "WARNING", "handlers": []},
        "formatters": {"json": {"()": "meetingplaces.logs.JsonFormatter"}},
        "handlers": {"error_console": {"class": "logging.StreamHandler", "formatter": "json",
                                       "stream": "ext://sys.stderr"}},
        "loggers": {"gunicorn.error": {"level": "INFO", "handlers": ["error_console"],
                                       "propagate": False}},
    }
