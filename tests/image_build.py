"""Build the app's image with podman on a machine that reaches no image registry.

Used by tests/test_image.py. What this machine offers, and how it is used:

- Debian's podman with Debian's runc (crun, and runc with podman's default ulimits, fail on
  setrlimit in this sandbox): every call is `podman --runtime /usr/sbin/runc`, with a
  containers.conf that sets `default_ulimits = []` (CONTAINERS_CONF points to it).
- No registry, so no `python:3.11-slim`: the base image is a Debian root filesystem made
  by debootstrap (the same release as this machine, from the mirror its apt uses) with
  python3 and python3-venv, imported with `podman import`; the Dockerfile's BASE build
  argument names it.
- pip inside the build has none of this machine's pip settings, so the wheels are built
  here (`pip wheel`, with them) and the build installs them with `--no-index
  --find-links /wheels`, the folder mounted for the build's RUN steps only (never in a
  layer).

The root filesystem's tar and the wheels are cached under CACHE, keyed by what makes
them (the Debian release and packages; the dependencies and this Python), and podman
keeps its own layers: a second build with the same dependencies reuses the dependency
layer and installs only the app.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    / "derivative-explorer"
    / "image-test"
)
RUNC = "/usr/sbin/runc"
TOOLS = ("podman", RUNC, "debootstrap")
BASE_PACKAGES = ("python3", "python3-venv", "ca-certificates")
IMAGE = "localhost/derivative-explorer:test"
WHEELS_IN_BUILD = "/wheels"
CONTAINERS_CONF = "[containers]\ndefault_ulimits = []\n"

Log = Callable[[str], None]


def _key(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]


def _tool(name: str) -> str | None:
    """The tool's path: on PATH, or in /usr/sbin (not on every user's PATH)."""
    return shutil.which(name) or shutil.which(name, path="/usr/sbin")


def missing_tools() -> list[str]:
    """The tools `make podman` installs that this machine lacks."""
    return [tool for tool in TOOLS if _tool(tool) is None]


class Podman:
    """`podman --runtime runc` with the containers.conf this sandbox needs."""

    def __init__(self, folder: Path) -> None:
        conf = folder / "containers.conf"
        conf.write_text(CONTAINERS_CONF)
        self.env = {**os.environ, "CONTAINERS_CONF": str(conf)}

    def command(self, *args: str) -> list[str]:
        return ["podman", "--runtime", RUNC, *args]

    def __call__(
        self, *args: str, timeout: float = 120, check: bool = True, **kwargs
    ) -> subprocess.CompletedProcess:
        run = subprocess.run(
            self.command(*args), env=self.env, capture_output=True, text=True,
            timeout=timeout, **kwargs,
        )  # fmt: skip
        if check and run.returncode != 0:
            raise RuntimeError(f"podman {' '.join(args)} failed ({run.returncode}):\n{run.stderr}")
        return run


def debian_release() -> str:
    """This machine's Debian codename (bookworm): the base image's release."""
    fields = dict(
        line.split("=", 1)
        for line in Path("/etc/os-release").read_text().splitlines()
        if "=" in line
    )
    codename = fields.get("VERSION_CODENAME", "").strip('"')
    if fields.get("ID") != "debian" or not codename:
        raise RuntimeError("the image test makes its base with debootstrap: it needs Debian")
    return codename


def debian_mirror(codename: str) -> str:
    """The mirror this machine's apt installs `codename` from (its sources, both formats)."""
    sources = Path("/etc/apt/sources.list.d")
    for path in sorted(sources.glob("*.sources")):
        for stanza in re.split(r"\n\s*\n", path.read_text()):
            fields = dict(re.findall(r"^(\w[\w-]*):\s*(.+)$", stanza, re.MULTILINE))
            if (
                "deb" in fields.get("Types", "").split()
                and codename in fields.get("Suites", "").split()
            ):
                return fields["URIs"].split()[0]
    for path in [Path("/etc/apt/sources.list"), *sorted(sources.glob("*.list"))]:
        if path.exists():
            for line in path.read_text().splitlines():
                words = re.sub(r"\[[^]]*\]", "", line).split()
                if len(words) >= 3 and words[0] == "deb" and words[2] == codename:
                    return words[1]
    raise RuntimeError(f"no apt source for {codename} on this machine")


def _debootstrap_tar(codename: str, tar_path: Path, log: Log) -> None:
    """A minimal Debian root filesystem with BASE_PACKAGES, as a tar (written atomically)."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="debootstrap-", dir=tar_path.parent) as folder:
        rootfs = Path(folder) / "rootfs"
        subprocess.run(
            [_tool("debootstrap") or "debootstrap", "--variant=minbase",
             f"--include={','.join(BASE_PACKAGES)}", codename, str(rootfs),
             debian_mirror(codename)],
            check=True, capture_output=True, timeout=900,
        )  # fmt: skip
        # What an image does not need: downloaded packages, package lists, docs, locales.
        for name in ("var/cache/apt/archives", "var/lib/apt/lists", "usr/share/doc",
                     "usr/share/man", "usr/share/locale"):  # fmt: skip
            shutil.rmtree(rootfs / name, ignore_errors=True)
            (rootfs / name).mkdir(parents=True, exist_ok=True)
        partial = tar_path.with_suffix(".partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(rootfs, arcname=".")
        partial.rename(tar_path)
    seconds = time.perf_counter() - started
    log(f"debootstrap {codename} + {' '.join(BASE_PACKAGES)}: {seconds:.0f} s")


def base_image(podman: Podman, log: Log) -> str:
    """The base image's name: imported from the cached tar, made first if need be."""
    codename = debian_release()
    key = _key(codename, *BASE_PACKAGES)
    name = f"localhost/derivative-explorer-base:{codename}-{key}"
    if podman("image", "exists", name, check=False).returncode == 0:
        return name
    CACHE.mkdir(parents=True, exist_ok=True)
    tar_path = CACHE / f"rootfs-{codename}-{key}.tar"
    if not tar_path.exists():
        _debootstrap_tar(codename, tar_path, log)
    podman("import", "--change", 'CMD ["python3"]', str(tar_path), name, timeout=300)
    return name


def requirements() -> list[str]:
    """The project's dependencies, as the Dockerfile reads them from pyproject.toml."""
    with (ROOT / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)["project"]["dependencies"]


def wheels(log: Log) -> Path:
    """A folder of wheels for every dependency, the project's build backend and pip's
    build of the project, made here (with this machine's pip settings) once per key."""
    build_requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"][
        "requires"
    ]
    wanted = [*requirements(), *build_requires]
    python = f"{sys.implementation.cache_tag}-{sys.platform}-{os.uname().machine}"
    folder = CACHE / f"wheels-{_key(python, *wanted)}"
    done = folder / ".complete"
    if done.exists():
        return folder
    started = time.perf_counter()
    shutil.rmtree(folder, ignore_errors=True)
    for old in CACHE.glob("wheels-*"):  # one folder, not one per change of pyproject.toml
        shutil.rmtree(old, ignore_errors=True)
    folder.mkdir(parents=True)
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as listed:
        listed.write("\n".join(wanted) + "\n")
        listed.flush()
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--wheel-dir", str(folder),
             "--requirement", listed.name],
            check=True, capture_output=True, timeout=900,
        )  # fmt: skip
    done.touch()
    seconds = time.perf_counter() - started
    log(f"pip wheel ({len(list(folder.glob('*.whl')))} wheels): {seconds:.0f} s")
    return folder


def build(podman: Podman, base: str, wheel_folder: Path, log_path: Path) -> float:
    """Build IMAGE from the project's Dockerfile on `base`; return the seconds it took.

    `--format docker`: the OCI format has no HEALTHCHECK, and podman drops it.
    """
    before = podman("image", "inspect", "--format", "{{.Id}}", IMAGE, check=False).stdout.strip()
    started = time.perf_counter()
    with log_path.open("w") as log:
        run = subprocess.run(
            podman.command(
                "build", "--format", "docker", "--tag", IMAGE,
                "--build-arg", f"BASE={base}",
                "--build-arg", f"PIP_INSTALL_OPTIONS=--no-index --find-links {WHEELS_IN_BUILD}",
                "--volume", f"{wheel_folder}:{WHEELS_IN_BUILD}:ro",
                ".",
            ),
            cwd=ROOT, env=podman.env, stdout=log, stderr=subprocess.STDOUT, timeout=900,
        )  # fmt: skip
    if run.returncode != 0:
        raise RuntimeError(f"podman build failed ({run.returncode}); see {log_path}")
    seconds = time.perf_counter() - started
    after = podman("image", "inspect", "--format", "{{.Id}}", IMAGE).stdout.strip()
    if before and before != after:  # the previous build's image, now untagged: its own layers
        podman("rmi", before, check=False)
    return seconds
