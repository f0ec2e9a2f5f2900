"""The nginx template, its renderings (local and compose) and the Docker files agree."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from deploy import nginx, serve
from deploy.local import NGINX

ROOT = Path(__file__).resolve().parents[2]


def _local(tmp_path: Path, ports=(18501, 18502)) -> str:
    return nginx.local_config("127.0.0.1:18080", list(ports), tmp_path, tmp_path)


def _locations(config: str) -> dict[str, str]:
    """Each `location` block's body (the template has no nested blocks inside them)."""
    return dict(re.findall(r"location\s+(\S+)\s*\{([^}]*)\}", config))


def test_local_rendering_fills_every_placeholder(tmp_path):
    config = _local(tmp_path)
    assert "@{" not in config
    assert "listen 127.0.0.1:18080;" in config
    servers = re.findall(r"^\s*server (\S+);", config, re.MULTILINE)
    assert servers == ["127.0.0.1:18501", "127.0.0.1:18502"]
    assert f"pid {tmp_path / 'nginx.pid'};" in config
    assert f"error_log {tmp_path / 'nginx-error.log'} notice;" in config
    assert f"client_body_temp_path {tmp_path}/client_body;" in config


def test_rendering_rejects_unknown_placeholders_and_no_replicas(tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="at least one replica"):
        nginx.local_config("127.0.0.1:18080", [], tmp_path, tmp_path)
    template = tmp_path / "nginx.conf"
    template.write_text("listen @{listen}; @{unknown}\n")
    monkeypatch.setattr(nginx, "TEMPLATE", template)
    with pytest.raises(KeyError, match="unknown"):
        _local(tmp_path)


def test_affinity_and_websocket_settings():
    config = nginx.TEMPLATE.read_text()
    # Cookie affinity, not ip_hash (one address would mean one replica for everyone).
    assert "hash $route_key consistent;" in config
    assert "ip_hash" not in re.sub(r"#.*", "", config)
    assert re.search(r'""\s+\$request_id;', config)
    assert "add_header Set-Cookie $route_cookie always;" in config
    assert "de_route=$request_id; Path=/; HttpOnly; SameSite=Lax" in config
    assert "proxy_http_version 1.1;" in config
    assert "proxy_set_header Upgrade $http_upgrade;" in config
    assert "proxy_set_header Connection $connection_upgrade;" in config
    locations = _locations(config)
    assert set(locations) == {"/", "/_stcore/stream"}
    assert "proxy_read_timeout 1d;" in locations["/_stcore/stream"]
    # A location with a proxy_set_header or add_header of its own would inherit none of
    # the server's: no Upgrade header for the websocket, no affinity cookie.
    for body in locations.values():
        assert "proxy_set_header" not in body
        assert "add_header" not in body


def test_local_config_passes_nginx_syntax_check(tmp_path):
    if shutil.which(NGINX) is None:
        pytest.fail(f"{NGINX} is missing: run `make nginx` (apt-get install nginx).")
    tmp_path.chmod(0o755)
    (tmp_path / "nginx.conf").write_text(_local(tmp_path))
    check = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", "nginx.conf"],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert check.returncode == 0, check.stderr


def test_compose_config_is_the_template_rendered():
    assert nginx.COMPOSE_CONFIG.read_text() == nginx.compose_config(), (
        "deploy/nginx.compose.conf is stale: run `python -m deploy.nginx --write`"
    )


def _compose_services(text: str) -> dict[str, str]:
    """compose.yaml's services and their bodies (two-space indented keys)."""
    body = text.split("\nservices:\n", 1)[1]
    parts = re.split(r"^  ([\w-]+):\n", body, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_compose_file_matches_the_nginx_upstreams():
    services = _compose_services((ROOT / "compose.yaml").read_text())
    upstreams = re.findall(r"^\s*server ([\w-]+):(\d+);", nginx.compose_config(), re.MULTILINE)
    apps = sorted(name for name in services if name.startswith("app-"))
    assert sorted(name for name, _ in upstreams) == apps
    assert {int(port) for _, port in upstreams} == {nginx.COMPOSE_APP_PORT}
    front = services["nginx"]
    assert "./deploy/nginx.compose.conf:/etc/nginx/nginx.conf:ro" in front
    assert f':{nginx.COMPOSE_LISTEN_PORT}"' in front
    for app in apps:
        assert "<<: *app" in services[app]
        assert re.search(rf"{app}:\n\s+condition: service_healthy", front), app
    # one class store (PostgreSQL) that every replica reaches: a class spans replicas
    assert "image: postgres:" in services["classes-db"]
    assert "DERIVATIVE_EXPLORER_CLASS_STORE=postgresql://" in (ROOT / "compose.yaml").read_text()


def test_dockerfile_runs_the_warm_launcher_as_a_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("#")
    # The base is a build argument (tests/test_image.py builds on a local Debian one).
    assert "ARG BASE=python:3.11-slim" in dockerfile
    assert re.search(r"^FROM \$\{BASE\}$", dockerfile, re.MULTILINE)
    assert f"EXPOSE {nginx.COMPOSE_APP_PORT}" in dockerfile
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.MULTILINE)
    assert re.search(r"pip install .*--no-deps \.", dockerfile)  # the project, once its deps are in
    assert re.search(r"^HEALTHCHECK .*\n.*/_stcore/health", dockerfile, re.MULTILINE)
    cmd = re.search(r"^CMD (.*)$", dockerfile, re.MULTILINE).group(1)
    assert '"deploy.serve"' in cmd
    assert '"0.0.0.0"' in cmd
    assert f'"{nginx.COMPOSE_APP_PORT}"' in cmd
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "test-artifacts", "screenshots"} <= set(ignored)


def test_the_image_gets_every_file_the_app_runs():
    """COPY . . minus .dockerignore: the router, its pages, the config, the packages."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^COPY \. \.$", dockerfile, re.MULTILINE)
    ignored = {
        line.strip().rstrip("/") for line in (ROOT / ".dockerignore").read_text().splitlines()
    }
    pages = re.findall(r'\("(views/\w+\.py)"', (ROOT / "ui" / "pages.py").read_text())
    assert pages
    needed = {"app.py", ".streamlit", "pyproject.toml", "README.md", "core", "ui", "deploy"}
    needed |= {Path(page).parts[0] for page in pages}
    for name in needed:
        assert (ROOT / name).exists(), name
        assert name not in ignored, f"{name} is needed at run time but .dockerignore drops it"


def test_streamlit_arguments_are_headless_and_extras_win():
    arguments = serve.streamlit_arguments(
        Path("/app/app.py"), 8501, "0.0.0.0", ["--server.maxUploadSize", "5"]
    )
    assert arguments[:2] == ["run", "/app/app.py"]
    pairs = dict(zip(arguments[2::2], arguments[3::2], strict=True))
    assert pairs["--server.headless"] == "true"
    assert pairs["--server.fileWatcherType"] == "none"
    assert pairs["--browser.gatherUsageStats"] == "false"
    assert pairs["--server.address"] == "0.0.0.0"
    assert arguments[-2:] == ["--server.maxUploadSize", "5"]
