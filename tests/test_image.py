"""The app's image, built from the Dockerfile and run as Kubernetes runs it.

Built with podman on a Debian base made here (tests/image_build.py: no image registry is
reachable), then started with the Deployment's own security settings (non-root uid, read-only
root filesystem with its emptyDir volumes as tmpfs, no capabilities, no privilege escalation,
its memory limit) and the Secrets' environment variables. The tests check its health check,
who runs it, the Explorer in a browser through it, its memory against the Deployment's
request, and that it stops on SIGTERM within the Deployment's grace period.

Needs root (debootstrap, rootful podman) and Debian's podman, runc and debootstrap
(`make podman`). Cold (no cache): about 2½ minutes to build, then the warm-up (1-2 minutes);
the timings are written to test-artifacts/image/timings.json.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Page, expect

from deploy.local import free_port, healthy
from tests import image_build
from tests.deploy.test_cluster_browser import EXPRESSION, HAS_LATEX, NEW_LATEX, SETTLED

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
DEPLOYMENT = ROOT / "deploy" / "kubernetes" / "base" / "deployment.yaml"
WARM_TIMEOUT = 300.0  # s: the Deployment's startupProbe allows 5 minutes
LOAD_TIMEOUT = 120_000  # ms
UNITS = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30}


def quantity_bytes(text: str) -> int:
    """A Kubernetes memory quantity ("1536Mi", "2Gi") in bytes."""
    number, unit = re.fullmatch(r"(\d+)(Ki|Mi|Gi)", text).groups()
    return int(number) * UNITS[unit]


def app_pod() -> tuple[dict, dict]:
    """The Deployment's pod spec and its app container."""
    pod = yaml.safe_load(DEPLOYMENT.read_text())["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    return pod, container


def run_options(cookie_secret: str, class_store: str) -> list[str]:
    """`podman run` options that give the container what the Deployment gives the pod."""
    pod, container = app_pod()
    security = {**pod["securityContext"], **container["securityContext"]}
    options = ["--user", f"{security['runAsUser']}:{security['runAsGroup']}"]
    if security.get("readOnlyRootFilesystem"):
        # Only the pod's volumes are writable (podman's own tmpfs mounts are off).
        options += ["--read-only", "--read-only-tmpfs=false"]
    volumes = {volume["name"]: volume for volume in pod.get("volumes", [])}
    for mount in container.get("volumeMounts", []):
        assert "emptyDir" in volumes[mount["name"]], "the container test knows emptyDir only"
        options += ["--tmpfs", f"{mount['mountPath']}:rw,mode=1777"]
    if "ALL" in security["capabilities"]["drop"]:
        options.append("--cap-drop=all")
    if security.get("allowPrivilegeEscalation") is False:
        options.append("--security-opt=no-new-privileges")
    options += ["--memory", str(quantity_bytes(container["resources"]["limits"]["memory"]))]
    values = {
        "STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret,
        "DERIVATIVE_EXPLORER_CLASS_STORE": class_store,
    }
    for variable in container["env"]:
        options += ["--env", f"{variable['name']}={values[variable['name']]}"]
    return options


@dataclass(frozen=True)
class Running:
    name: str
    url: str
    seconds_to_healthy: float


@pytest.fixture(scope="module")
def podman():
    missing = image_build.missing_tools()
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: run `make podman` (Debian's packages).")
    if os.geteuid() != 0:
        pytest.fail("the image test runs debootstrap and rootful podman: run it as root")
    with tempfile.TemporaryDirectory(prefix="podman-conf-") as folder:
        yield image_build.Podman(Path(folder))


@pytest.fixture(scope="module")
def timings(artifacts):
    """Seconds of each step, written to test-artifacts/image/timings.json at the end."""
    folder = artifacts / "image"
    folder.mkdir(exist_ok=True)
    found: dict[str, float | str] = {}
    yield found
    (folder / "timings.json").write_text(json.dumps(found, indent=2) + "\n")


@pytest.fixture(scope="module")
def image(podman, timings, artifacts) -> str:
    started = time.perf_counter()
    steps: list[str] = []
    base = image_build.base_image(podman, steps.append)
    timings["base_image_s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    wheels = image_build.wheels(steps.append)
    timings["wheels_s"] = round(time.perf_counter() - started, 1)
    timings["build_s"] = round(
        image_build.build(podman, base, wheels, artifacts / "image" / "build.log"), 1
    )
    timings["steps"] = "; ".join(steps) or "base image and wheels from the cache"
    return image_build.IMAGE


@pytest.fixture(scope="module")
def container(podman, image, timings, artifacts):
    name = f"derivative-explorer-test-{secrets.token_hex(4)}"
    port = free_port()
    options = run_options(secrets.token_hex(32), "sqlite:////tmp/classes.sqlite3")
    podman("run", "--detach", "--name", name, "--publish", f"127.0.0.1:{port}:8501",
           *options, image)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    try:
        while not healthy(url):
            state = podman("inspect", "--format", "{{.State.Running}}", name).stdout.strip()
            if state != "true":
                pytest.fail(f"the container exited before it was healthy:\n{_logs(podman, name)}")
            if time.monotonic() - started > WARM_TIMEOUT:
                pytest.fail(f"not healthy within {WARM_TIMEOUT:g} s:\n{_logs(podman, name)}")
            time.sleep(0.5)
        timings["start_to_healthy_s"] = round(time.monotonic() - started, 1)
        yield Running(name, url, time.monotonic() - started)
    finally:
        (artifacts / "image" / "container.log").write_text(_logs(podman, name))
        podman("rm", "--force", "--time", "0", name, check=False)


def _logs(podman, name: str) -> str:
    run = podman("logs", name, check=False)
    return run.stdout + run.stderr


def test_image_is_configured_as_the_deployment_expects(podman, image):
    inspected = json.loads(podman("image", "inspect", image).stdout)[0]
    config = inspected["Config"]
    _, container = app_pod()
    assert config["User"] == "10001"
    assert f"{container['ports'][0]['containerPort']}/tcp" in config["ExposedPorts"]
    assert "/_stcore/health" in " ".join(inspected["Healthcheck"]["Test"])


def test_health_check_reports_healthy_once_warm(podman, container):
    # The Dockerfile's HEALTHCHECK, run inside the container (podman has no timer here).
    assert podman("healthcheck", "run", container.name, check=False).returncode == 0
    status = podman("inspect", "--format", "{{.State.Health.Status}}", container.name)
    assert status.stdout.strip() == "healthy"


def test_every_process_runs_as_the_non_root_user(podman, container):
    status = podman("exec", container.name, "cat", "/proc/1/status").stdout
    assert re.search(r"^Uid:\s+10001\s+10001\s+10001\s+10001$", status, re.MULTILINE)
    # Every process of the container (server, worker pools), read from the host.
    folder, _ = _memory_cgroup(_pid(podman, container))
    pids = (folder / "cgroup.procs").read_text().split()
    assert len(pids) > 1
    for pid in pids:
        status = Path(f"/proc/{pid}/status").read_text()
        assert re.search(r"^Uid:\s+10001\s", status, re.MULTILINE), pid


def test_the_explorer_through_the_container(container, page: Page, artifacts):
    page.goto(container.url)
    expect(page.get_by_role("heading", name="Derivative Explorer")).to_be_visible(
        timeout=LOAD_TIMEOUT
    )
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible(timeout=LOAD_TIMEOUT)
    page.wait_for_function(SETTLED, timeout=LOAD_TIMEOUT)
    box = page.get_by_test_id("stTextInput").locator("input")
    box.fill(EXPRESSION)
    box.press("Enter")
    page.wait_for_function(HAS_LATEX, arg=NEW_LATEX, timeout=LOAD_TIMEOUT)
    page.wait_for_function(SETTLED, timeout=LOAD_TIMEOUT)
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible()
    sources = page.locator(".katex-mathml annotation").all_text_contents()
    assert any("3 x^{2} - \\sin" in source for source in sources)
    page.set_viewport_size({"width": 1280, "height": 1500})  # the page scrolls inside itself
    page.wait_for_function(SETTLED, timeout=LOAD_TIMEOUT)
    page.screenshot(path=str(artifacts / "image" / "container_explorer.png"))


def test_memory_fits_the_deployment(podman, container, timings):
    """The working set (Kubernetes' measure: usage less inactive file cache) after warm-up
    and a visit stays under the Deployment's memory request."""
    folder, version = _memory_cgroup(_pid(podman, container))
    if version == 1:
        usage = int((folder / "memory.usage_in_bytes").read_text())
        stat = _stat(folder / "memory.stat")
        stat = {"inactive_file": stat["total_inactive_file"], "anon": stat["total_rss"]}
    else:
        usage = int((folder / "memory.current").read_text())
        stat = _stat(folder / "memory.stat")
    working_set = usage - stat["inactive_file"]
    timings["memory_working_set_mib"] = round(working_set / 2**20)
    timings["memory_anonymous_mib"] = round(stat["anon"] / 2**20)
    _, app = app_pod()
    assert working_set < quantity_bytes(app["resources"]["requests"]["memory"])


def _pid(podman, container: Running) -> int:
    """The container's first process, as this machine numbers it."""
    return int(podman("inspect", "--format", "{{.State.Pid}}", container.name).stdout)


def _memory_cgroup(pid: int) -> tuple[Path, int]:
    """The folder of the process's memory cgroup, and the cgroup version (1 or 2)."""
    lines = [line.split(":", 2) for line in Path(f"/proc/{pid}/cgroup").read_text().splitlines()]
    for _, controllers, path in lines:  # v1 first: a hybrid system also lists an empty v2
        if "memory" in controllers.split(","):
            return Path("/sys/fs/cgroup/memory") / path.lstrip("/"), 1
    for _, controllers, path in lines:
        if controllers == "":  # v2: one unified hierarchy
            return Path("/sys/fs/cgroup") / path.lstrip("/"), 2
    raise AssertionError(f"no memory cgroup for process {pid}")


def _stat(path: Path) -> dict[str, int]:
    pairs = (line.split() for line in path.read_text().splitlines())
    return {key: int(value) for key, value in pairs}


def test_stops_cleanly_on_sigterm(podman, container, timings):
    """`podman stop` sends SIGTERM (then SIGKILL after the timeout), as the kubelet does
    after the preStop hook: the server must exit by itself within the grace period left."""
    pod, app = app_pod()
    pause = int(app["lifecycle"]["preStop"]["exec"]["command"][-1])
    grace = pod["terminationGracePeriodSeconds"] - pause
    started = time.monotonic()
    podman("stop", "--time", str(grace), container.name, timeout=grace + 30)
    seconds = time.monotonic() - started
    timings["sigterm_to_exit_s"] = round(seconds, 1)
    state = podman("inspect", "--format", "{{.State.ExitCode}}", container.name).stdout.strip()
    assert state == "0", "Streamlit stops on SIGTERM and exits 0; 137 is SIGKILL"
    assert seconds < grace
