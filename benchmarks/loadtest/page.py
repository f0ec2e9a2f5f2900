"""The page a browser would show, rebuilt from ForwardMsg deltas: elements and widgets.

Elements live at their delta paths (`(root, i, j, ...)`: root 0 is the main area, 1 the
sidebar). Each carries the script run that last wrote it. As in the frontend, a finished
run drops what it did not rewrite (a fragment run only within its fragments), and the
widget state manager keeps each widget's value by id: a widget's value comes from the
server only when new or when the server sets it (`set_value`, e.g. from session state);
otherwise the browser keeps its own. The next rerun sends the state of every active
widget.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.Delta_pb2 import Delta
from streamlit.proto.Markdown_pb2 import Markdown
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.WidgetStates_pb2 import WidgetState

WIDGET_KINDS = frozenset(
    {
        "text_input",
        "text_area",
        "slider",
        "number_input",
        "selectbox",
        "button_group",
        "checkbox",
        "radio",
        "multiselect",
        "button",
    }
)
_TEXT_FIELDS = {"markdown": "body", "text": "body", "alert": "body", "heading": "body"}
_PENDING = re.compile(r"^[\W_]*(?::material/\w+:\s*)?[\W_]*Symbolic:")


@dataclasses.dataclass
class Node:
    """One element or block at a delta path, and the run that last wrote it."""

    kind: str  # an element type ("plotly_chart", "markdown", ...) or "block"
    proto: Any  # the element's own proto (e.g. a PlotlyChart), or the Block
    run_id: str
    fragment_id: str
    seq: int  # order of arrival on this connection: "written after" tests compare it


def initial_value(kind: str, el: Any) -> Any:
    """What the frontend shows for a widget it has not seen before (or is told to set).

    None means the widget has no value (nothing selected), sent as an id-only state.
    """
    if kind in ("text_input", "text_area"):
        return el.value if el.set_value else el.default
    if kind == "checkbox":
        return el.value if el.set_value else el.default
    if kind == "number_input":
        if el.set_value or el.HasField("value"):
            return el.value if el.HasField("value") else None
        return el.default if el.HasField("default") else None
    if kind == "slider":
        if el.options:  # select_slider: option labels
            if el.set_value:
                return list(el.raw_value)
            return [el.options[int(i)] for i in el.default]
        return list(el.value) if el.set_value else list(el.default)
    if kind in ("selectbox", "radio"):
        if el.set_value:
            return el.raw_value if el.HasField("raw_value") else None
        return el.options[el.default] if el.HasField("default") else None
    if kind == "multiselect":
        return list(el.raw_values) if el.set_value else [el.options[i] for i in el.default]
    if kind == "button":  # pressed only in the rerun that sends it (a trigger)
        return False
    if kind == "button_group":
        if el.set_value:
            return list(el.raw_values)
        return [el.options[i].content for i in el.default]
    raise ValueError(kind)


def widget_state(widget_id: str, kind: str, el: Any, value: Any) -> WidgetState:
    """The WidgetState the frontend sends for `value` (see each widget's serde)."""
    state = WidgetState(id=widget_id)
    if value is None:
        return state
    if kind in ("text_input", "text_area", "selectbox", "radio"):
        state.string_value = value
    elif kind == "checkbox":
        state.bool_value = bool(value)
    elif kind == "number_input":
        if el.data_type == NumberInput.INT:
            state.int_value = int(value)
        else:
            state.double_value = float(value)
    elif kind == "slider" and el.options:
        state.string_array_value.data.extend(value)
    elif kind == "slider":
        state.double_array_value.data.extend(float(v) for v in value)
    elif kind in ("multiselect", "button_group"):
        state.string_array_value.data.extend(value)
    elif kind == "button":
        state.trigger_value = bool(value)
    return state


def text_of(node: Node) -> str | None:
    """The text an element shows, for the elements that show text."""
    field = _TEXT_FIELDS.get(node.kind)
    return getattr(node.proto, field) if field else None


def is_latex(node: Node) -> bool:
    """An `st.latex` element: a markdown of type LATEX, its body wrapped in `$$`."""
    if node.kind != "markdown":
        return False
    body = node.proto.body.lstrip()
    return node.proto.element_type == Markdown.LATEX or body.startswith("$$")


def is_symbolic_pending(node: Node) -> bool:
    """A text element saying SymPy's result is still coming ("Symbolic: queued, ...")."""
    text = text_of(node)
    return text is not None and bool(_PENDING.match(text))


class Page:
    """The element tree of one browser tab, and its widget state manager."""

    def __init__(self) -> None:
        self.nodes: dict[tuple[int, ...], Node] = {}
        self.values: dict[str, Any] = {}  # widget id -> the browser's value
        self.link_writes: dict[str, str | None] = {}  # URL name -> text (None: left out)
        self.seq = 0

    # -- deltas ---------------------------------------------------------------------------
    def apply(self, delta: Delta, path: tuple[int, ...], run_id: str) -> Node | None:
        """Apply one delta at `path`; returns the node written, if any."""
        kind = delta.WhichOneof("type")
        self.seq += 1
        if kind == "new_element":
            el_kind = delta.new_element.WhichOneof("type")
            node = Node(
                el_kind, getattr(delta.new_element, el_kind), run_id, delta.fragment_id, self.seq
            )
        elif kind == "add_block":
            node = Node("block", delta.add_block, run_id, delta.fragment_id, self.seq)
        else:  # new_transient (spinners), arrow_add_rows: nothing a widget or test needs
            return None
        old = self.nodes.get(path)
        if old is not None and old.kind != node.kind:
            self._drop_below(path)
        self.nodes[path] = node
        if node.kind in WIDGET_KINDS:
            widget_id = node.proto.id
            if widget_id not in self.values or getattr(node.proto, "set_value", False):
                self.values[widget_id] = initial_value(node.kind, node.proto)
        return node

    def finish(self, run_id: str, fragment_ids: list[str]) -> None:
        """A run finished: drop the elements it did not write (clearStaleNodes)."""
        stale = [
            path
            for path, node in self.nodes.items()
            if node.run_id != run_id and (not fragment_ids or node.fragment_id in fragment_ids)
        ]
        for path in stale:
            self.nodes.pop(path, None)
            self._drop_below(path)
        active = {node.proto.id for node in self.widgets()}
        for widget_id in list(self.values):
            if widget_id not in active:
                del self.values[widget_id]

    def _drop_below(self, path: tuple[int, ...]) -> None:
        depth = len(path)
        for other in [p for p in self.nodes if len(p) > depth and p[:depth] == path]:
            del self.nodes[other]

    # -- widgets --------------------------------------------------------------------------
    def widgets(self) -> list[Node]:
        """The widgets on the page, in arrival order."""
        return sorted(
            (n for n in self.nodes.values() if n.kind in WIDGET_KINDS), key=lambda n: n.seq
        )

    def widget(self, key: str | None = None, label: str | None = None) -> Node:
        """A widget by its session-state key (the id ends in `-key`) or its label.

        Raises:
            KeyError: no such widget on the page.
        """
        for node in self.widgets():
            if key is not None and node.proto.id.endswith(f"-{key}"):
                return node
            if label is not None and node.proto.label == label:
                return node
        raise KeyError(key or label)

    def value(self, key: str) -> Any:
        return self.values.get(self.widget(key=key).proto.id)

    def set(self, key: str, value: Any) -> None:
        """What a person does to a widget: its new value, sent with the next rerun. A text
        widget bound to the URL (`bind="query-params"`) is written into the link by the
        browser itself, as the person types: `link_writes` holds that for the session."""
        node = self.widget(key=key)
        self.values[node.proto.id] = value
        bound = getattr(node.proto, "query_param_key", "")
        if bound and isinstance(value, str):
            default = getattr(node.proto, "default", None)
            self.link_writes[bound] = None if value == default else value

    def widget_states(self) -> list[WidgetState]:
        """Every active widget's state, as `getActiveWidgetStates` builds it."""
        states = [
            widget_state(node.proto.id, node.kind, node.proto, self.values.get(node.proto.id))
            for node in self.widgets()
        ]
        for node in self.widgets():  # a trigger is sent once, as the browser does
            if node.kind == "button":
                self.values[node.proto.id] = False
        return states

    # -- what a person sees ---------------------------------------------------------------
    def elements(self, kind: str | None = None) -> list[Node]:
        nodes = sorted(self.nodes.values(), key=lambda n: n.seq)
        return [n for n in nodes if n.kind != "block" and (kind is None or n.kind == kind)]

    def charts(self) -> list[Node]:
        return self.elements("plotly_chart")

    def latex(self, since: int = 0) -> list[Node]:
        """The LaTeX elements written after arrival number `since`."""
        return [n for n in self.elements("markdown") if is_latex(n) and n.seq > since]

    def symbolic_pending(self) -> bool:
        return any(is_symbolic_pending(n) for n in self.elements())

    def symbolic_delivered(self, since: int) -> bool:
        """No "Symbolic: ..." placeholder left and LaTeX written after `since`."""
        return not self.symbolic_pending() and bool(self.latex(since))

    def error_boxes(self) -> list[str]:
        """The bodies of the `st.error` boxes on the page."""
        return [n.proto.body for n in self.elements("alert") if n.proto.format == Alert.ERROR]
