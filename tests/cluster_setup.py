"""Make sure the cluster test has Debian's nginx.

Run by `make test` (and `make demo-cluster`). Installs with apt-get only when running as root and
nginx is missing; otherwise tests/test_cluster.py skips and says why.
"""

import os
import shutil
import subprocess

from scripts.cluster import nginx_binary


def ensure_nginx() -> None:
    if nginx_binary():
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print("nginx missing and not root: the cluster test will be skipped.")
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
    # The package's own service is not needed: the tests and the demo start nginx themselves.
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "nginx"],
                   check=False, env=env)


if __name__ == "__main__":
    ensure_nginx()
