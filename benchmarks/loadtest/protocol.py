"""Streamlit's websocket protocol as the 1.67 frontend speaks it: messages, cache, bytes.

- The browser connects to `ws://HOST/_stcore/stream` offering the subprotocols
  `["streamlit", <xsrf cookie or "PLACEHOLDER_AUTH_TOKEN">, <last session id>?]`: the
  second entry is a token, the third reconnects to an old session. The `_streamlit_xsrf`
  cookie comes from the health check it calls first (`GET /_stcore/health`).
- Every rerun is a `BackMsg.rerun_script` (a `ClientState`): the URL's query string, the
  page's script hash once known, every active widget's state, the browser's context
  and the hashes of the ForwardMsgs it has cached.
- The server replaces a `cacheable` message (a `new_element` delta of at least
  `global.minCachedMessageSize`, 10 kB) whose hash the client listed by a small
  `ref_hash` message. The client evicts a cached message that was not used for more
  than `max_cached_message_age` (from `new_session.config`, 2) finished runs; a
  fragment run only ages the messages of its fragments. `ForwardMsgCache` below copies
  that logic from the frontend bundle (`static/js/index.*.js`), so the bytes counted
  here are the bytes a browser receives.
"""

from __future__ import annotations

import dataclasses

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection

STREAM_PATH = "/_stcore/stream"
HEALTH_PATH = "/_stcore/health"
HOST_CONFIG_PATH = "/_stcore/host-config"
XSRF_COOKIE = "_streamlit_xsrf"
PLACEHOLDER_TOKEN = "PLACEHOLDER_AUTH_TOKEN"
ROUTE_COOKIE = "de_route"  # the nginx in front keeps a session on one replica by it

FINISHED = ForwardMsg.FINISHED_SUCCESSFULLY
FINISHED_FRAGMENT = ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
FINISHED_EARLY = ForwardMsg.FINISHED_EARLY_FOR_RERUN
COMPILE_ERROR = ForwardMsg.FINISHED_WITH_COMPILE_ERROR

# What a browser in a classroom reports about itself (ClientState.context_info).
BROWSER_CONTEXT = {
    "timezone": "Europe/Berlin",
    "timezone_offset": -60,
    "locale": "en-US",
    "is_embedded": False,
    "color_scheme": "light",
}


def subprotocols(xsrf_token: str | None, last_session_id: str | None = None) -> list[str]:
    """The Sec-WebSocket-Protocol entries the frontend offers."""
    entries = ["streamlit", xsrf_token or PLACEHOLDER_TOKEN]
    if last_session_id:
        entries.append(last_session_id)
    return entries


def rerun_message(
    *,
    query_string: str,
    widgets: list[WidgetState],
    page_script_hash: str = "",
    page_name: str = "",
    fragment_id: str = "",
    is_auto_rerun: bool = False,
    cached_hashes: list[str] = (),
    url: str = "",
) -> bytes:
    """A serialized `BackMsg.rerun_script`, field for field what the frontend sends."""
    msg = BackMsg()
    state = msg.rerun_script
    state.query_string = query_string
    state.page_script_hash = page_script_hash
    state.page_name = page_name
    if fragment_id:
        state.fragment_id = fragment_id
    state.is_auto_rerun = is_auto_rerun
    state.widget_states.widgets.extend(widgets)
    state.cached_message_hashes.extend(cached_hashes)
    for name, value in BROWSER_CONTEXT.items():
        setattr(state.context_info, name, value)
    state.context_info.url = url
    return msg.SerializeToString()


def run_on_save_message(value: bool) -> bytes:
    """A serialized `BackMsg.set_run_on_save`; the server answers `session_status_changed`
    carrying the value (which only matters when a file watcher runs: none does here)."""
    return BackMsg(set_run_on_save=value).SerializeToString()


def decode(payload: bytes) -> ForwardMsg:
    """One websocket frame as a ForwardMsg."""
    msg = ForwardMsg()
    msg.ParseFromString(payload)
    return msg


class CacheMiss(Exception):
    """The server referred to a message this client does not hold (a browser reports a bug)."""


@dataclasses.dataclass
class _Entry:
    payload: bytes
    run_count: int  # the client's run count when last used
    fragment_id: str


class ForwardMsgCache:
    """The frontend's ForwardMsgCache: cacheable messages by hash, aged by finished runs."""

    def __init__(self) -> None:
        self.messages: dict[str, _Entry] = {}
        self.run_count = 0
        self.hits = 0

    def hashes(self) -> list[str]:
        """What the next rerun tells the server this client holds."""
        return list(self.messages)

    def resolve(self, msg: ForwardMsg, payload: bytes) -> ForwardMsg:
        """Cache `msg` if it is cacheable; replace a `ref_hash` by the cached message.

        Raises:
            CacheMiss: a reference to a message not in the cache.
        """
        if msg.WhichOneof("type") != "ref_hash":
            if msg.metadata.cacheable and msg.hash:
                entry = self.messages.get(msg.hash)
                if entry is None:
                    fragment = msg.delta.fragment_id if msg.HasField("delta") else ""
                    self.messages[msg.hash] = _Entry(payload, self.run_count, fragment)
                else:
                    entry.run_count = self.run_count
            return msg
        entry = self.messages.get(msg.ref_hash)
        if entry is None:
            raise CacheMiss(msg.ref_hash)
        entry.run_count = self.run_count
        self.hits += 1
        cached = decode(entry.payload)
        cached.metadata.CopyFrom(msg.metadata)
        return cached

    def finish_run(self, max_age: int, fragment_ids: list[str]) -> None:
        """After a finished run: age the cache, evicting what went unused too long."""
        self.run_count += 1
        for key, entry in list(self.messages.items()):
            if fragment_ids and (not entry.fragment_id or entry.fragment_id not in fragment_ids):
                continue
            if self.run_count - entry.run_count > max_age:
                del self.messages[key]


class CountingConnection(ClientConnection):
    """A websocket client connection that counts every byte read off the socket.

    Frame headers, pings and (if the server ever enables permessage-deflate) the
    compressed size are all included: what crosses the wire into a browser.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.bytes_received = 0

    def data_received(self, data: bytes) -> None:
        self.bytes_received += len(data)
        super().data_received(data)
