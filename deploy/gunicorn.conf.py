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
