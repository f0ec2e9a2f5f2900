"""The warm launcher: warm the app up in this process, then serve `app.py` from it.

Run it from the project root (Streamlit reads `.streamlit/config.toml` from there):

    python -m deploy.serve --port 8501 [--address 127.0.0.1] [--server.someOption value ...]

`streamlit run app.py` opens its port at once and leaves the warm-up (JAX's compiles, the
SymPy, parse and program worker pools: about 10 s here) to the first visitor. This
launcher does that work first, in the process that then serves, and opens the port only
when it is done, so `GET /_stcore/health` answering `ok` means "warm": it is the
readiness check for nginx, Docker and the tests.

Why the work carries over: `st.cache_resource` and `st.cache_data` keep their caches in
process-global registries, keyed by the function and its arguments, and a cache made
before the server's runtime exists (Streamlit logs "No runtime found") stays in that
registry and is found by the page's script runs later. The launcher

1. calls `ui.cached.warm_up()` (the `st.cache_resource` the router calls on every run);
2. runs the app's default page once with Streamlit's in-process `AppTest`: the same
   script the first visitor runs, with the page's real defaults, so the Explorer's
   `st.cache_data` results (`ui.cached.numeric`) and its SymPy jobs are cached for
   exactly the arguments the first visit asks for, and Plotly's lazy imports are done.
   Nothing is copied from the page, so its defaults cannot drift from what is warmed;
3. waits (at most `--background-timeout` s) for the threads the warm-up started, such
   as the optimizers' compiles, so the first visitor does not share the two cores with
   them;
   then runs every other page link once the same way (deploy.warm_pages: each page at
   its defaults, each lecture preset's link), so a first visit by link finds its page warm;
4. starts Streamlit's own command line (`streamlit run`) in this process: headless, no
   usage statistics, no file watcher. Other `--server.*`-style flags pass through.
"""

from __future__ import annotations

import os

# Before NumPy/SciPy load (the warm-up imports them before app.py would set it).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import contextlib
import gc
import logging
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

# Messages Streamlit logs when its caches and elements are used before its runtime
# exists: expected here, and only here.
_BARE_MODE_NOISE = ("No runtime found", "missing ScriptRunContext")
_NOISY_LOGGERS = (
    "streamlit.runtime.caching.cache_data_api",
    "streamlit.runtime.scriptrunner_utils.script_run_context",
)
WARM_MESSAGE = "deploy.serve: warm"  # the log line printed before the port opens


def _log(message: str) -> None:
    print(f"deploy.serve: {message}", file=sys.stderr, flush=True)


class _DropBareModeNoise(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not any(text in record.getMessage() for text in _BARE_MODE_NOISE)


@contextlib.contextmanager
def _quiet_bare_mode() -> Iterator[None]:
    noise = _DropBareModeNoise()
    loggers = [logging.getLogger(name) for name in _NOISY_LOGGERS]
    for logger in loggers:
        logger.addFilter(noise)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(noise)


def _run_default_page(app: Path) -> None:
    """Run the app once, as a first visitor's browser would, to fill the page's caches."""
    from streamlit.testing.v1 import AppTest

    started = time.perf_counter()
    run = AppTest.from_file(str(app), default_timeout=300).run()
    if run.exception:
        # The server still starts: the page will show (and log) the same error.
        _log(f"the default page raised while warming: {run.exception[0].message}")
    else:
        _log(f"default page run in {time.perf_counter() - started:.1f} s")


def _join_new_threads(before: set[threading.Thread], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    for thread in set(threading.enumerate()) - before:
        if not thread.daemon:
            thread.join(max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                _log(f"thread {thread.name!r} still running after {timeout:g} s; serving anyway")


def warm(app: Path, *, page: bool = True, background_timeout: float = 60.0) -> str:
    """Warm this process up for `app` (see the module docstring); return JAX's device."""
    started = time.perf_counter()
    threads_before = set(threading.enumerate())
    with _quiet_bare_mode():
        from ui import cached

        device = cached.warm_up()
        _log(f"ui.cached.warm_up() done in {time.perf_counter() - started:.1f} s ({device})")
        if page:
            _run_default_page(app)
    _join_new_threads(threads_before, background_timeout)
    if page:
        # Then every other page link (each page at its defaults, each lecture preset), once
        # the compiles above no longer share the cores: a student opening the teacher's link
        # finds that page warm too (deploy.warm_pages).
        from deploy.warm_pages import warm_pages

        with _quiet_bare_mode():
            warm_pages(app, log=_log)
    # What warming made (JAX's and SymPy's modules, compiled code, the caches) lives as
    # long as the server: moved out of the collector's generations, later collections
    # no longer walk it.
    gc.collect()
    gc.freeze()
    _log(f"warm in {time.perf_counter() - started:.1f} s; starting the server")
    return device


def streamlit_arguments(app: Path, port: int, address: str, extra: Sequence[str]) -> list[str]:
    """The `streamlit run` command line for the app; flags in `extra` come last and win."""
    return [
        "run",
        str(app),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--server.runOnSave",
        "false",
        "--browser.gatherUsageStats",
        "false",
        *extra,
    ]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.serve",
        description="Warm the app up, then serve it (other --server.* flags pass through).",
    )
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--address", default="127.0.0.1", help="0.0.0.0 to serve every host")
    parser.add_argument("--app", type=Path, default=Path("app.py"), help="the router script")
    parser.add_argument(
        "--warm-page",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also run the default page once before serving (default: yes)",
    )
    parser.add_argument(
        "--background-timeout",
        type=float,
        default=60.0,
        help="seconds to wait for the warm-up's background threads",
    )
    return parser


def _load_config(app: Path, arguments: Sequence[str]) -> None:
    """Load Streamlit's config with the final flags now, as `streamlit run` will.

    The warm-up reads the config already; loaded without the flags, Streamlit would
    then warn that the [server] section changed. This also rejects a bad flag at once,
    not after the warm-up.
    """
    import click
    from streamlit import config
    from streamlit.web import bootstrap, cli

    try:
        context = cli.main_run.make_context("streamlit run", list(arguments[1:]))
    except click.ClickException as error:
        error.show()
        raise SystemExit(error.exit_code) from None
    flags = {key: value for key, value in context.params.items() if key not in ("target", "args")}
    config._main_script_path = str(app)  # as `streamlit run` does: the script's own config
    bootstrap.load_config_options(flag_options=flags)


def _check_port_free(address: str, port: int) -> None:
    """Fail now, not after the warm-up, when another server listens on the port."""
    with socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
        try:
            sock.bind((address, port))
        except OSError as error:
            raise SystemExit(f"deploy.serve: cannot listen on {address}:{port}: {error}") from None


def _stop_while_warming(signum: int, _frame) -> None:
    _log(f"stopped by signal {signum} while warming up")
    os._exit(0)  # the warm-up's threads and worker pools go with the process


def main(argv: Sequence[str] | None = None) -> None:
    args, extra = _parser().parse_known_args(argv)
    app = args.app.resolve()
    if not app.is_file():
        raise SystemExit(f"{app} does not exist: run from the project root or pass --app.")
    _check_port_free(args.address, args.port)
    arguments = streamlit_arguments(app, args.port, args.address, extra)
    _load_config(app, arguments)
    # Until Streamlit's server installs its own handler, a stop (a pod's SIGTERM, podman
    # stop) would wait out the warm-up and its grace period: nothing is served or kept
    # yet, so exit at once.
    signal.signal(signal.SIGTERM, _stop_while_warming)
    warm(app, page=args.warm_page, background_timeout=args.background_timeout)

    from streamlit.web import cli

    cli.main(args=arguments, prog_name="streamlit")


if __name__ == "__main__":
    main()
