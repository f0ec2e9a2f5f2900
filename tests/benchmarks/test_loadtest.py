"""The load benchmark's driver: its protocol pieces offline, and one small live run.

The offline tests build the ForwardMsgs a server would send and check what the
simulated browser makes of them; the live test starts a bare server and would fail if
the driver stopped seeing charts, typing, LaTeX, bytes or latencies.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Delta_pb2 import Delta
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.Markdown_pb2 import Markdown
from streamlit.proto.NumberInput_pb2 import NumberInput

from benchmarks.loadtest import expressions, metrics, protocol
from benchmarks.loadtest.page import Page
from benchmarks.loadtest.session import Interaction, Session
from core import parse_expression

# -- messages -------------------------------------------------------------------------------


def test_rerun_message_carries_what_the_browser_sends():
    page = Page()
    page.apply(_text_input("$$ID-1-explorer_expr", "sin(x)", set_value=True), (0, 0), "r")
    payload = protocol.rerun_message(
        query_string="f=sin",
        widgets=page.widget_states(),
        page_script_hash="abc",
        fragment_id="frag",
        is_auto_rerun=True,
        cached_hashes=["h1", "h2"],
        url="http://host/?f=sin",
    )
    msg = BackMsg()
    msg.ParseFromString(payload)
    state = msg.rerun_script
    assert (state.query_string, state.page_script_hash, state.fragment_id) == (
        "f=sin",
        "abc",
        "frag",
    )
    assert state.is_auto_rerun
    assert list(state.cached_message_hashes) == ["h1", "h2"]
    assert state.widget_states.widgets[0].string_value == "sin(x)"
    assert state.context_info.url == "http://host/?f=sin"
    assert state.context_info.locale == "en-US"


def test_subprotocols_put_the_token_second():
    assert protocol.subprotocols(None) == ["streamlit", "PLACEHOLDER_AUTH_TOKEN"]
    assert protocol.subprotocols("tok", "session") == ["streamlit", "tok", "session"]


def test_the_fences_are_set_run_on_save():
    msg = BackMsg()
    msg.ParseFromString(protocol.run_on_save_message(True))
    assert msg.WhichOneof("type") == "set_run_on_save"
    assert msg.set_run_on_save


# -- the browser's message cache ------------------------------------------------------------


def _cacheable(hash_: str, fragment: str = "") -> tuple[ForwardMsg, bytes]:
    msg = ForwardMsg(hash=hash_)
    msg.metadata.cacheable = True
    msg.metadata.delta_path[:] = [0, 1]
    msg.delta.new_element.markdown.body = "x" * 100
    msg.delta.fragment_id = fragment
    return msg, msg.SerializeToString()


def _reference(hash_: str) -> ForwardMsg:
    msg = ForwardMsg(ref_hash=hash_)
    msg.metadata.delta_path[:] = [0, 7]
    return msg


def test_cache_resolves_a_reference_with_the_reference_metadata():
    cache = protocol.ForwardMsgCache()
    msg, payload = _cacheable("h")
    cache.resolve(msg, payload)
    assert cache.hashes() == ["h"]
    resolved = cache.resolve(_reference("h"), b"")
    assert resolved.delta.new_element.markdown.body == "x" * 100
    assert list(resolved.metadata.delta_path) == [0, 7]
    with pytest.raises(protocol.CacheMiss):
        cache.resolve(_reference("unknown"), b"")


def test_cache_evicts_what_went_unused_for_more_than_max_age_runs():
    cache = protocol.ForwardMsgCache()
    cache.resolve(*_cacheable("old"))
    cache.resolve(*_cacheable("used"))
    for _ in range(3):
        cache.resolve(_reference("used"), b"")
        cache.finish_run(max_age=2, fragment_ids=[])
    assert cache.hashes() == ["used"]


def test_a_fragment_run_ages_only_its_own_messages():
    cache = protocol.ForwardMsgCache()
    cache.resolve(*_cacheable("page"))
    cache.resolve(*_cacheable("frag", fragment="f1"))
    for _ in range(3):
        cache.finish_run(max_age=2, fragment_ids=["f1"])
    assert cache.hashes() == ["page"]


def test_uncacheable_messages_are_not_kept():
    cache = protocol.ForwardMsgCache()
    msg, payload = _cacheable("h")
    msg.metadata.cacheable = False
    cache.resolve(msg, payload)
    assert cache.hashes() == []


# -- the page and its widgets ---------------------------------------------------------------


def _text_input(widget_id: str, value: str, set_value: bool = False) -> Delta:
    delta = Delta()
    el = delta.new_element.text_input
    el.id, el.label, el.default = widget_id, "f(x) =", ""
    el.value, el.set_value = value, set_value
    return delta


def _slider(widget_id: str, values, set_value: bool = False) -> Delta:
    delta = Delta()
    el = delta.new_element.slider
    el.id, el.label = widget_id, "Highest order"
    el.default[:] = values
    if set_value:
        el.value[:] = values
        el.set_value = True
    return delta


def _markdown(body: str, element_type=Markdown.NATIVE, fragment: str = "") -> Delta:
    delta = Delta(fragment_id=fragment)
    delta.new_element.markdown.body = body
    delta.new_element.markdown.element_type = element_type
    return delta


def test_widgets_keep_the_browser_value_unless_the_server_sets_one():
    page = Page()
    page.apply(_slider("$$ID-2-explorer_order", [4.0]), (0, 1), "r1")
    page.set("explorer_order", [6.0])
    page.apply(_slider("$$ID-2-explorer_order", [4.0]), (0, 1), "r2")
    assert page.value("explorer_order") == [6.0]
    page.apply(_slider("$$ID-2-explorer_order", [9.0], set_value=True), (0, 1), "r3")
    assert page.value("explorer_order") == [9.0]
    (state,) = page.widget_states()
    assert list(state.double_array_value.data) == [9.0]


def test_widget_states_are_encoded_as_each_widget_expects():
    page = Page()
    number = Delta()
    number.new_element.number_input.id = "$$ID-3-explorer_x0"
    number.new_element.number_input.default = 0.5
    number.new_element.number_input.data_type = NumberInput.FLOAT
    page.apply(number, (0, 2), "r")
    select = Delta()
    select.new_element.selectbox.id = "$$ID-4-explorer_example"
    select.new_element.selectbox.options[:] = ["exp(2x)", "tanh(x)"]
    page.apply(select, (0, 3), "r")  # index=None: nothing selected
    pills = Delta()
    pills.new_element.button_group.id = "$$ID-5-explorer_methods"
    pills.new_element.button_group.options.add(content="AD (JAX)")
    pills.new_element.button_group.options.add(content="FD")
    pills.new_element.button_group.default[:] = [1]
    page.apply(pills, (0, 4), "r")
    x0, example, methods = page.widget_states()
    assert x0.double_value == 0.5
    assert example.WhichOneof("value") is None
    assert list(methods.string_array_value.data) == ["FD"]
    page.set("explorer_example", "tanh(x)")
    assert page.widget_states()[1].string_value == "tanh(x)"


def test_a_finished_run_drops_what_it_did_not_write():
    page = Page()
    page.apply(_markdown("old"), (0, 0), "r1")
    page.apply(_markdown("kept in fragment", fragment="f"), (0, 1), "r1")
    page.apply(_text_input("$$ID-1-explorer_expr", "x"), (0, 2), "r1")
    page.apply(_markdown("new"), (0, 3), "r2")
    page.finish("r2", ["f"])  # a fragment run: only the fragment's elements go
    assert [n.proto.body for n in page.elements("markdown")] == ["old", "new"]
    page.finish("r2", [])
    assert [n.proto.body for n in page.elements()] == ["new"]
    assert page.widget_states() == []  # the text input left the page, and its state


def test_symbolic_is_delivered_when_no_placeholder_is_left_and_latex_is_new():
    page = Page()
    page.apply(_markdown("$$\nf(x) = x\n$$", Markdown.LATEX), (0, 0), "r1")
    since = page.seq
    pending = Delta()
    pending.new_element.alert.body = "Symbolic: queued, 3 ahead — AD is shown meanwhile."
    page.apply(pending, (0, 1), "r2")
    assert page.symbolic_pending()
    assert not page.symbolic_delivered(since)  # the LaTeX on the page is the old one
    page.apply(_markdown("**Symbolic derivatives**"), (0, 1), "r3")
    page.apply(_markdown("$$\nf'(x) = 1\n$$", Markdown.LATEX), (0, 2), "r3")
    assert not page.symbolic_pending()
    assert page.symbolic_delivered(since)


# -- which run answers which rerun ----------------------------------------------------------


def _lifecycle(kind: str, run_id: str = "", status=protocol.FINISHED) -> bytes:
    msg = ForwardMsg()
    msg.metadata.run.script_run_id = run_id
    if kind == "new_session":
        msg.new_session.config.max_cached_message_age = 2
    elif kind == "script_finished":
        msg.script_finished = status
    elif kind in ("flip", "back"):  # the fences: run-on-save flipped, then back
        msg.session_status_changed.run_on_save = kind == "flip"
    elif kind == "chart":
        msg.metadata.delta_path[:] = [0, 0]
        msg.delta.new_element.plotly_chart.spec = "{}"
    return msg.SerializeToString()


def _feed(*messages: tuple) -> tuple[Session, Interaction]:
    session = Session("http://127.0.0.1:1")
    interaction = Interaction("type", "x^2")
    session.interactions.append(interaction)
    for message in messages:
        session._handle(_lifecycle(*message))
    return session, interaction


def test_a_run_started_before_the_first_fence_is_not_the_interaction():
    session, interaction = _feed(
        ("new_session", "old"),  # a fragment's st.rerun(), started before
        ("chart", "old"),
        ("script_finished", "old"),
        ("flip",),
        ("new_session", "mine"),
        ("back",),
    )
    assert not interaction.painted.is_set()
    assert interaction.first_chart_s is None
    session._handle(_lifecycle("chart", "mine"))
    session._handle(_lifecycle("script_finished", "mine"))
    assert interaction.painted.is_set()
    assert interaction.run_id == "mine"
    assert interaction.first_chart_s > 0


def test_a_run_between_the_fences_counts_only_once_the_second_fence_comes():
    session, interaction = _feed(
        ("flip",),
        ("new_session", "gap"),  # an old run that ran in the gap between two BackMsgs
        ("script_finished", "gap"),
    )
    assert interaction.painted_s is not None
    assert not interaction.painted.is_set()
    session._handle(_lifecycle("new_session", "mine"))  # it was not this interaction's
    assert interaction.painted_s is None
    for message in (("back",), ("chart", "mine"), ("script_finished", "mine")):
        session._handle(_lifecycle(*message))
    assert interaction.painted.is_set()
    assert interaction.run_id == "mine"


def test_a_run_cut_short_by_st_rerun_goes_on_in_the_next():
    _, interaction = _feed(
        ("flip",),
        ("new_session", "first"),
        ("back",),
        ("chart", "first"),
        ("script_finished", "first", protocol.FINISHED_EARLY),
        ("new_session", "second"),
        ("script_finished", "second"),
    )
    assert interaction.painted.is_set()
    assert (interaction.reruns, interaction.run_id) == (1, "second")
    assert interaction.first_chart_s is not None  # the first run's chart was seen


# -- numbers --------------------------------------------------------------------------------


def test_percentiles_interpolate_and_ignore_missing_values():
    values = [1.0, 2.0, 3.0, 4.0, None]
    assert metrics.percentile(values, 50) == 2.5
    assert metrics.percentile(values, 100) == 4.0
    assert metrics.percentile([], 95) is None
    stats = metrics.summary(values)
    assert (stats["count"], stats["max"], stats["mean"]) == (4, 4.0, 2.5)


def test_table_has_one_row_per_check_with_its_verdict():
    checks = [
        metrics.Check("single", "latency", "p95 300 ms", "p95 ≤ 1 s", True),
        metrics.Check("single", "CPU", "320 ms", "≤ 30 ms", False),
        metrics.Check("soak", "runtime", "95 s"),
    ]
    lines = metrics.table(checks).splitlines()
    assert len(lines) == 2 + len(checks)
    assert lines[2].endswith("| pass |")
    assert "**MISS**" in lines[3]
    assert lines[4] == "| soak | runtime | — | 95 s |  |"


def test_process_tree_cpu_and_memory_include_children():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        tree = metrics.process_tree(os.getpid())
        assert child.pid in tree
        assert metrics.cpu_seconds(os.getpid()) > 0
        assert metrics.pss_bytes(os.getpid()) > metrics.pss_bytes(child.pid) > 0
    finally:
        child.kill()
        child.wait()


# -- expressions ----------------------------------------------------------------------------


def test_expression_pools_are_repeatable_distinct_and_valid():
    texts = expressions.expressions(60, seed=3)
    assert texts == expressions.expressions(60, seed=3)
    canonical = {parse_expression(text).text for text in texts}
    assert len(canonical) == len(texts)
    huge = expressions.huge_expressions(3, seed=3)
    assert all(400 <= len(parse_expression(text).text) <= 500 for text in huge)


# -- live ---------------------------------------------------------------------------------


def test_driver_against_a_live_server():
    """Two tabs on a bare server: one types a new expression, one moves the order slider."""
    from benchmarks.loadtest import servers
    from benchmarks.loadtest.users import ExplorerUser

    typed = "sin(3x)*exp(-x^2/7)"

    async def tabs(cluster) -> tuple[Session, Session]:
        import random

        first, second = Session(cluster.url, "a"), Session(cluster.url, "b")
        try:
            await asyncio.gather(first.open(), second.open())
            typist = ExplorerUser(first, random.Random(1), iter(()))
            mover = ExplorerUser(second, random.Random(2), iter(()))
            done, _ = await asyncio.gather(typist.type_expression(typed), mover.set_order(6))
            await first.wait_symbolic(done, 30)
        finally:
            await asyncio.gather(first.close(), second.close())
        return first, second

    with servers.serve(replicas=0) as cluster:
        first, second = asyncio.run(tabs(cluster))
    for session in (first, second):
        opened = session.interactions[0]
        assert opened.charts >= 1, "no Plotly chart on the first paint"
        assert opened.painted_s > 0
        assert opened.painted_bytes > 10_000
        assert all(not i.errors for i in session.interactions), session.interactions
    typed_run = first.interactions[-1]
    assert typed_run.symbolic_s is not None, "SymPy's LaTeX for the typed expression never showed"
    assert any(r"\sin{\left(3 x \right)}" in n.proto.body for n in first.page.latex())
    assert second.page.value("n") == [6.0]
    assert second.interactions[-1].painted_s > 0


def test_driver_on_the_several_variables_page():
    """One tab on a bare server opens /several_variables, switches section, moves the point."""
    import random

    from benchmarks.loadtest import servers
    from benchmarks.loadtest.several import PAGE, SECTIONS, SeveralUser

    hessian = next(section for section in SECTIONS if section.code == "hessian")

    async def tab(cluster) -> tuple[Session, tuple, tuple]:
        session = Session(cluster.url, "several", page_name=PAGE)
        user = SeveralUser(session, random.Random(1), {})
        try:
            await user.open()
            await user.switch(hessian)
            before = tuple(session.page.value(key) for key in hessian.point_keys)
            await user.move()
            after = tuple(session.page.value(key) for key in hessian.point_keys)
        finally:
            await session.close()
        return session, before, after

    with servers.serve(replicas=0) as cluster:
        session, before, after = asyncio.run(tab(cluster))
    opened, switched, moved = session.interactions
    assert all(not i.errors for i in session.interactions), session.interactions
    assert opened.charts >= 1, "no contour plot on the Gradient section"
    assert session.page.value("v_s") == [hessian.title]
    assert switched.charts >= 1, "no contour plot on the Hessian section"
    assert sum(a != b for a, b in zip(before, after, strict=True)) == 1, (before, after)
    assert moved.painted_s > 0


def test_beyond_grad_moves_stay_on_each_widget_grid_and_in_bounds():
    """Every knob's moves: in its bounds, on a slider's grid, never where it was."""
    import random

    from benchmarks.loadtest.beyond import BEYOND_SECTIONS
    from benchmarks.loadtest.sectioned import knob_value

    rng = random.Random(3)
    for knob in (section.knob for section in BEYOND_SECTIONS):
        current = [knob.low] if knob.grid else knob.low
        for _ in range(200):
            moved = knob_value(knob, current, rng)
            value = moved[0] if knob.grid else moved
            assert knob.low <= value <= knob.high, (knob.key, value)
            if knob.grid:
                steps = (value - knob.low) / knob.grid
                assert abs(steps - round(steps)) < 1e-9, (knob.key, value)
                assert abs(value - current[0]) > knob.grid / 2, (knob.key, value)
            else:
                assert abs(value - current) <= 1.0 + 1e-9, (knob.key, value)
            current = moved


def test_text_and_button_knobs_move_to_another_text_and_press():
    """A text knob never stays on its text (nor a select slider's `[text]`); a button is
    pressed; the page's button state is a trigger, sent once."""
    import random

    from streamlit.proto.Button_pb2 import Button

    from benchmarks.loadtest.page import widget_state
    from benchmarks.loadtest.sectioned import Knob, knob_value
    from benchmarks.loadtest.teaching import TEACHING

    rng = random.Random(5)
    texts = next(s.knob for s in TEACHING.sections if s.code == "steps")
    current = texts.texts[0]
    for _ in range(50):
        moved = knob_value(texts, current, rng)
        assert moved in texts.texts
        assert moved != current
        current = moved
    listed = knob_value(Knob("k", "k", texts=("a", "b")), ["a"], rng)
    assert listed == ["b"]
    assert knob_value(Knob("go", "go", button=True), None, rng) is True
    assert widget_state("id-go", "button", Button(id="id-go"), True).trigger_value
    assert not widget_state("id-go", "button", Button(id="id-go"), False).trigger_value
