"""Render deploy/nginx.conf, the one nginx template, for the local cluster or for compose.

    python -m deploy.nginx --write   # regenerate deploy/nginx.compose.conf after an edit

The template's placeholders are `@{name}` (nginx's own `$variables` pass through);
rendering raises on a missing or unknown one, so the template and this module cannot
drift apart silently. compose.yaml mounts the generated deploy/nginx.compose.conf; a
test checks that it equals `compose_config()` and names compose.yaml's services.
"""

from __future__ import annotations

import argparse
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "nginx.conf"
COMPOSE_CONFIG = HERE / "nginx.compose.conf"

COMPOSE_FILE = HERE.parent / "compose.yaml"
# compose.yaml's app services are app-1, app-2, …: one per replica, each on this port.
COMPOSE_APP_PORT = 8501
COMPOSE_LISTEN_PORT = 8080
COMPOSE_HEADER = (
    "# GENERATED from deploy/nginx.conf by `python -m deploy.nginx --write`: do not edit.\n"
)


class _NginxTemplate(string.Template):
    delimiter = "@"  # nginx uses $ itself; it has no @ outside named locations (none here)


@dataclass(frozen=True)
class Paths:
    """Where nginx keeps its files: absolute paths (or relative to nginx's -p prefix)."""

    pid: str
    error_log: str
    access_log: str
    temp_dir: str


def compose_service(index: int) -> str:
    """compose.yaml's name of replica `index` (1-based): app-1, app-2, …"""
    return f"app-{index}"


def compose_replicas() -> int:
    """How many app-N services compose.yaml defines."""
    return len(re.findall(r"^  app-\d+:$", COMPOSE_FILE.read_text(), re.MULTILINE))


def render(listen: str, servers: Sequence[str], paths: Paths) -> str:
    """The template with its placeholders filled.

    Args:
        listen: nginx's `listen` argument: "127.0.0.1:8080", "8080".
        servers: the replicas as host:port ("127.0.0.1:8501", "app-1:8501").
        paths: where nginx writes its pid, logs and temporary files.
    """
    if not servers:
        raise ValueError("nginx needs at least one replica to proxy to")
    lines = "\n".join(f"        server {server};" for server in servers)
    return _NginxTemplate(TEMPLATE.read_text()).substitute(
        listen=listen,
        servers=lines,
        pid=paths.pid,
        error_log=paths.error_log,
        access_log=paths.access_log,
        temp_dir=paths.temp_dir,
    )


def local_config(listen: str, replica_ports: Sequence[int], run_dir: Path, log_dir: Path) -> str:
    """The config for deploy/local.py: replicas on 127.0.0.1, files in `run_dir`, `log_dir`.

    Args:
        listen: where nginx listens ("127.0.0.1:8080", "0.0.0.0:8080").
    """
    paths = Paths(
        pid=str(run_dir / "nginx.pid"),
        error_log=str(log_dir / "nginx-error.log"),
        access_log=str(log_dir / "nginx-access.log"),
        temp_dir=str(run_dir),
    )
    servers = [f"127.0.0.1:{port}" for port in replica_ports]
    return render(listen, servers, paths)


def compose_config(replicas: int | None = None) -> str:
    """The config for compose.yaml's nginx service (`replicas`: compose.yaml's count if
    None): logs to the container's output."""
    replicas = compose_replicas() if replicas is None else replicas
    paths = Paths(
        pid="/tmp/nginx.pid",
        error_log="/dev/stderr",
        access_log="/dev/stdout",
        temp_dir="/tmp",
    )
    servers = [f"{compose_service(i)}:{COMPOSE_APP_PORT}" for i in range(1, replicas + 1)]
    return COMPOSE_HEADER + render(str(COMPOSE_LISTEN_PORT), servers, paths)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.nginx", description="Print (or --write) compose's nginx config."
    )
    parser.add_argument("--replicas", type=int, help="default: compose.yaml's app-N count")
    parser.add_argument("--write", action="store_true", help=f"write it to {COMPOSE_CONFIG}")
    args = parser.parse_args(argv)
    config = compose_config(args.replicas)
    if args.write:
        COMPOSE_CONFIG.write_text(config)
    else:
        print(config, end="")


if __name__ == "__main__":
    main()
