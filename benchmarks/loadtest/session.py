"""One simulated browser tab: connects, reruns with widget changes, times what it sees.

An interaction is one rerun a person causes (opening the link, typing, moving a
slider). It records, from the moment the BackMsg is sent:

- `first_chart_s`: the first Plotly chart of its run arrived (AD and finite differences
  drawn);
- `painted_s`: its run's `script_finished` arrived (the interaction's first paint). A
  run the script cuts short with `st.rerun()` (`FINISHED_EARLY_FOR_RERUN`) is followed
  by one the server starts itself: the interaction goes on until that one finishes;
- `symbolic_s`: at the end of a run (full or fragment), no "Symbolic: ..." placeholder
  is left on the page and LaTeX written after the interaction is shown: SymPy's result,
  whether the run waited for it or a fragment filled it in later;
- bytes read off the socket until each of those, and errors: exception elements,
  `st.error` boxes, compile errors, cache misses, a dropped connection, a timeout.

Which run answers which rerun: see `Session._start` (a fence after each rerun marks
where the server read it). Fragments with `run_every` are rerun the way the frontend
does: on an `auto_rerun` message the tab sends a fragment rerun every interval until a
full run starts or the server sends `stop_auto_rerun`.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import random
import time
import urllib.parse
from collections.abc import Callable
from urllib.parse import urlsplit

import websockets
from websockets.asyncio.client import connect

from benchmarks.loadtest import protocol
from benchmarks.loadtest.page import Page

MAX_MESSAGE_BYTES = 64 * 2**20
LOG = logging.getLogger("benchmarks.loadtest")


@dataclasses.dataclass
class Interaction:
    """One rerun a person caused, and what the browser received for it."""

    action: str
    detail: str = ""
    started: float = 0.0  # time.perf_counter() when the BackMsg was sent (or connect began)
    seq: int = 0  # the page's arrival counter at that moment
    bytes_at_start: int = 0
    run_id: str | None = None
    first_chart_s: float | None = None
    painted_s: float | None = None
    painted_bytes: int | None = None
    symbolic_s: float | None = None
    symbolic_bytes: int | None = None
    latex_count: int = 0
    charts: int = 0
    errors: list[str] = dataclasses.field(default_factory=list)
    reruns: int = 0  # runs the script cut short with st.rerun() on the way
    superseded_s: float | None = None  # when the next interaction came, SymPy's still due
    flipped: bool = dataclasses.field(default=False, repr=False)  # first fence seen
    settled: bool = dataclasses.field(default=False, repr=False)  # second fence seen
    errors_mark: int = dataclasses.field(default=0, repr=False)  # errors before its run
    painted: asyncio.Event = dataclasses.field(default_factory=asyncio.Event, repr=False)
    delivered: asyncio.Event = dataclasses.field(default_factory=asyncio.Event, repr=False)

    def record(self) -> dict:
        """The JSON-ready part."""
        fields = (
            "action",
            "detail",
            "first_chart_s",
            "painted_s",
            "painted_bytes",
            "symbolic_s",
            "symbolic_bytes",
            "latex_count",
            "charts",
            "reruns",
            "errors",
            "superseded_s",
        )
        return {name: getattr(self, name) for name in fields}


async def http_get(
    url: str, cookies: dict[str, str], timeout_s: float = 30.0
) -> tuple[int, list[tuple[str, str]]]:
    """A plain HTTP/1.1 GET; returns the status and the headers (the body is read, dropped).

    Raises:
        TimeoutError: no complete answer within `timeout_s`.
    """
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    async with asyncio.timeout(timeout_s):
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port or 80)
        try:
            writer.write(
                f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nCookie: {cookie}\r\n"
                "Accept: */*\r\nConnection: close\r\n\r\n".encode()
            )
            await writer.drain()
            raw = await reader.read()
        finally:
            writer.close()
            await writer.wait_closed()
    head = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    headers = [tuple(s.strip() for s in line.split(":", 1)) for line in head[1:] if ":" in line]
    return status, headers


class Session:
    """A browser tab on `base_url` ("http://127.0.0.1:PORT").

    Its `de_route` cookie (nginx's session affinity) is random hex drawn from its name,
    so a rerun of the benchmark puts each session on the same replica. With `page_name`
    (a page's URL path, as "several_variables") the tab opens that page, not the home
    page: the URL is `/<page_name>` and the first rerun names it, as a browser does;
    later reruns name the page by the script hash the server sent.
    """

    def __init__(
        self, base_url: str, name: str = "", timeout_s: float = 60.0, page_name: str = ""
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.name = name
        self.timeout_s = timeout_s
        self.page_name = page_name
        route = f"{random.Random(f'route-{name}').getrandbits(64):016x}"
        self.cookies = {protocol.ROUTE_COOKIE: route}
        self.page = Page()
        self.cache = protocol.ForwardMsgCache()
        self.query_string = ""
        self.page_script_hash = ""
        self.max_cached_age = 2
        self.session_id = ""
        self.interactions: list[Interaction] = []
        self.fragment_reruns = 0  # auto-reruns sent for `st.fragment(run_every=...)`
        self.closed_reason: str | None = None
        self._ws: protocol.CountingConnection | None = None
        self._reader: asyncio.Task | None = None
        self._run_id = ""
        self._run_fragments: list[str] = []
        self._new_session_seen = False
        self.run_on_save = False  # the server's flag, as its status messages carry it
        self._continuing = False  # the last run called st.rerun(): the next one goes on
        self._auto_reruns: dict[str, tuple[float, asyncio.Task]] = {}
        # Whether SymPy's result counts as shown only with new LaTeX on the page (else:
        # once no "Symbolic: ..." placeholder is left), for pages that show it in tables.
        self.symbolic_needs_latex = True

    # -- connecting -----------------------------------------------------------------------
    @property
    def bytes_received(self) -> int:
        return self._ws.bytes_received if self._ws else 0

    @property
    def alive(self) -> bool:
        return self._ws is not None and self.closed_reason is None

    def _url(self) -> str:
        query = f"?{self.query_string}" if self.query_string else ""
        return f"{self.base_url}/{self.page_name}{query}"

    async def open(self, query_string: str = "") -> Interaction:
        """Load the app as a browser does: health check (for the XSRF cookie), websocket,
        first run. Timed from before the health check."""
        self.query_string = query_string
        started = time.perf_counter()
        _, headers = await http_get(
            self.base_url + protocol.HEALTH_PATH, self.cookies, self.timeout_s
        )
        for name, value in headers:
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        await http_get(self.base_url + protocol.HOST_CONFIG_PATH, self.cookies, self.timeout_s)
        ws_url = "ws" + self.base_url.removeprefix("http") + protocol.STREAM_PATH
        self._ws = await connect(
            ws_url,
            subprotocols=protocol.subprotocols(self.cookies.get(protocol.XSRF_COOKIE)),
            origin=self.base_url,
            additional_headers={"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())},
            create_connection=protocol.CountingConnection,
            max_size=MAX_MESSAGE_BYTES,
            ping_interval=None,  # browsers do not ping; the server does, and is answered
            open_timeout=self.timeout_s,
        )
        self._reader = asyncio.create_task(self._read(), name=f"read-{self.name}")
        interaction = await self._start("open", query_string)
        interaction.started = started
        interaction.bytes_at_start = 0
        await self._wait(interaction)
        return interaction

    async def close(self) -> None:
        for _, task in self._auto_reruns.values():
            task.cancel()
        self._auto_reruns.clear()
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        self.closed_reason = self.closed_reason or "closed"

    # -- interacting ----------------------------------------------------------------------
    async def interact(
        self, action: str, detail: str, change: Callable[[Page], None]
    ) -> Interaction:
        """Change widgets on the page (as a person would), rerun, wait for the paint."""
        if not self.alive:
            interaction = Interaction(action, detail, errors=[f"closed: {self.closed_reason}"])
            interaction.painted.set()
            self.interactions.append(interaction)
            return interaction
        change(self.page)
        self._write_link()
        interaction = await self._start(action, detail)
        await self._wait(interaction)
        return interaction

    def _write_link(self) -> None:
        """The link as the browser rewrites it when a bound widget changes (the server
        only reads it from the next rerun's query string)."""
        if not self.page.link_writes:
            return
        pairs = [
            (name, value)
            for name, value in urllib.parse.parse_qsl(self.query_string, keep_blank_values=True)
            if name not in self.page.link_writes
        ]
        pairs += [(name, text) for name, text in self.page.link_writes.items() if text is not None]
        self.page.link_writes.clear()
        self.query_string = urllib.parse.urlencode(pairs)

    async def wait_symbolic(self, interaction: Interaction, timeout_s: float) -> bool:
        """Wait until SymPy's result for `interaction` shows; False on timeout."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(interaction.delivered.wait(), timeout_s)
        return interaction.symbolic_s is not None

    async def _start(self, action: str, detail: str) -> Interaction:
        """Send the interaction's rerun between two fences: run-on-save flipped, then back.

        No message says which run answers which rerun, and a run the script started by
        itself (a fragment's `st.rerun()` for the previous interaction) can reach the
        socket after this rerun was sent, showing the old state. The server reads
        BackMsgs in order and answers `set_run_on_save` with a `session_status_changed`
        carrying the flag, a message its queue keeps when a new run clears it (a
        heartbeat's ack can be dropped then). A run is this interaction's only if it
        started after the first fence (the flipped flag) and it counts as painted once
        the second fence (the flag back) has come too: a run that started between the
        fences and finished before the second may be an old one that ran in the gap,
        and is replaced if another full run starts before that fence. A replaced run
        sends no `script_finished`. The flag only matters to a file watcher; none runs.
        """
        previous = self.interactions[-1] if self.interactions else None
        if previous is not None and previous.symbolic_s is None and previous.painted.is_set():
            previous.superseded_s = time.perf_counter() - previous.started
            previous.delivered.set()
        interaction = Interaction(
            action, detail, time.perf_counter(), self.page.seq, self.bytes_received
        )
        self.interactions.append(interaction)
        await self._send(protocol.run_on_save_message(not self.run_on_save))
        await self._send_rerun()
        await self._send(protocol.run_on_save_message(self.run_on_save))
        return interaction

    async def _send_rerun(self, fragment_id: str = "", auto: bool = False) -> None:
        payload = protocol.rerun_message(
            query_string=self.query_string,
            widgets=self.page.widget_states(),
            page_script_hash=self.page_script_hash,
            page_name="" if self.page_script_hash else self.page_name,
            fragment_id=fragment_id,
            is_auto_rerun=auto,
            cached_hashes=self.cache.hashes(),
            url=self._url(),
        )
        self._new_session_seen = False
        await self._send(payload)

    async def _send(self, payload: bytes) -> None:
        try:
            await self._ws.send(payload)
        except websockets.ConnectionClosed as closed:
            self.closed_reason = self.closed_reason or f"connection closed on send ({closed})"

    async def _wait(self, interaction: Interaction) -> None:
        try:
            await asyncio.wait_for(interaction.painted.wait(), self.timeout_s)
        except TimeoutError:
            interaction.errors.append(f"timeout: no script_finished in {self.timeout_s:g} s")
            interaction.painted.set()
        LOG.debug(
            "%s %s %r: %s",
            self.name,
            interaction.action,
            interaction.detail[:40],
            interaction.record(),
        )

    async def _auto_rerun(self, fragment_id: str, interval: float) -> None:
        while self.alive:
            await asyncio.sleep(interval)
            self.fragment_reruns += 1
            await self._send_rerun(fragment_id, auto=True)

    # -- reading --------------------------------------------------------------------------
    async def _read(self) -> None:
        try:
            async for payload in self._ws:
                self._handle(payload)
        except websockets.ConnectionClosed as closed:
            self.closed_reason = f"connection closed ({closed.rcvd.code if closed.rcvd else '-'})"
        except Exception as error:  # a bug here must show as an error, not a hang
            self.closed_reason = f"{type(error).__name__}: {error}"
        else:
            self.closed_reason = "connection closed by the server"
        for interaction in self.interactions:
            if not interaction.painted.is_set():
                interaction.errors.append(self.closed_reason)
                interaction.painted.set()
            interaction.delivered.set()

    def _current(self) -> Interaction | None:
        last = self.interactions[-1] if self.interactions else None
        return last if last is not None and last.run_id == self._run_id else None

    def _handle(self, payload: bytes) -> None:
        try:
            msg = self.cache.resolve(protocol.decode(payload), payload)
        except protocol.CacheMiss as miss:
            if self.interactions:
                self.interactions[-1].errors.append(f"cache miss {miss}")
            return
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self._on_new_session(msg)
        elif kind == "navigation":
            self.page_script_hash = msg.navigation.page_script_hash or self.page_script_hash
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "delta":
            self._on_delta(msg)
        elif kind == "script_finished":
            self._on_finished(msg)
        elif kind == "auto_rerun":
            interval, fragment = msg.auto_rerun.interval, msg.auto_rerun.fragment_id
            if fragment and self._auto_reruns.get(fragment, (None,))[0] != interval:
                self._stop_auto_rerun(fragment)
                task = asyncio.get_running_loop().create_task(self._auto_rerun(fragment, interval))
                self._auto_reruns[fragment] = (interval, task)
        elif kind == "stop_auto_rerun":
            for fragment in msg.stop_auto_rerun.fragment_ids:
                self._stop_auto_rerun(fragment)
        elif kind == "session_status_changed" and self.interactions:
            last = self.interactions[-1]
            if msg.session_status_changed.run_on_save != self.run_on_save:
                last.flipped = True
            elif last.flipped and not last.settled:
                last.settled = True
                if last.painted_s is not None:
                    last.painted.set()
                    self._check_symbolic()
        elif kind == "session_event":
            current = self._current()
            if current and msg.session_event.HasField("script_compilation_exception"):
                current.errors.append("script compilation error")

    def _stop_auto_rerun(self, fragment: str) -> None:
        entry = self._auto_reruns.pop(fragment, None)
        if entry:
            entry[1].cancel()

    def _on_new_session(self, msg) -> None:
        self._new_session_seen = True
        self._run_id = msg.metadata.run.script_run_id
        self._run_fragments = list(msg.metadata.run.fragment_ids)
        self.max_cached_age = msg.new_session.config.max_cached_message_age
        self.session_id = msg.new_session.initialize.session_id or self.session_id
        if not self._run_fragments:
            self.page_script_hash = msg.new_session.page_script_hash or self.page_script_hash
            for fragment in list(self._auto_reruns):
                self._stop_auto_rerun(fragment)
            last = self.interactions[-1] if self.interactions else None
            if last is not None and last.flipped and not last.painted.is_set():
                if not self._continuing:  # a first run, or one replacing the run first taken
                    last.first_chart_s = last.painted_s = last.painted_bytes = None
                    del last.errors[last.errors_mark :]
                    last.errors_mark = len(last.errors)
                last.run_id = self._run_id
            self._continuing = False

    def _on_delta(self, msg) -> None:
        node = self.page.apply(msg.delta, tuple(msg.metadata.delta_path), self._run_id)
        current = self._current()
        if node is None or current is None:
            return
        if node.kind == "exception":
            current.errors.append(f"exception: {node.proto.type}: {node.proto.message[:200]}")
        elif node.kind == "plotly_chart" and current.first_chart_s is None:
            current.first_chart_s = time.perf_counter() - current.started

    def _on_finished(self, msg) -> None:
        status = msg.script_finished
        run = msg.metadata.run
        fragments = list(run.fragment_ids)
        if status != protocol.FINISHED_EARLY and self._new_session_seen and run.script_run_id:
            self.cache.finish_run(self.max_cached_age, fragments)
        if status in (protocol.FINISHED, protocol.FINISHED_FRAGMENT):
            self.page.finish(run.script_run_id, fragments)
        last = self.interactions[-1] if self.interactions else None
        if last is not None and last.run_id == run.script_run_id and not fragments:
            if status == protocol.FINISHED_EARLY:
                # The script called st.rerun(): the server starts the next run itself,
                # and the interaction goes on in it.
                self._continuing = True
                last.reruns += 1
                return
            if status == protocol.COMPILE_ERROR:
                last.errors.append("script finished with a compile error")
            for body in self.page.error_boxes():
                last.errors.append(f"error box: {body[:200]}")
            last.painted_s = time.perf_counter() - last.started
            last.painted_bytes = self.bytes_received - last.bytes_at_start
            last.charts = len(self.page.charts())
            if last.settled:
                last.painted.set()
        self._check_symbolic()

    def _check_symbolic(self) -> None:
        last = self.interactions[-1] if self.interactions else None
        if last is None or not last.painted.is_set() or last.delivered.is_set():
            return
        if (
            self.page.symbolic_delivered(since=last.seq)
            if self.symbolic_needs_latex
            else not self.page.symbolic_pending()
        ):
            last.symbolic_s = time.perf_counter() - last.started
            last.symbolic_bytes = self.bytes_received - last.bytes_at_start
            last.latex_count = len(self.page.latex())
            last.delivered.set()
