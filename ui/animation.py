"""Play / Step / Reset controls, a speed and keyboard keys for pages that animate an
algorithm's iterations."""

from __future__ import annotations

import math
from collections.abc import Callable

import streamlit as st

# Seconds between frames while playing. A frame redraws the page's charts (about 0.2 s
# of the server's and the browser's time for the descent page's contours): a shorter
# period queues frames faster than they are drawn, and a click on Pause then waits
# behind them.
FRAME_SECONDS = 0.4
SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200, 500)  # iterations per frame while playing
# Keyboard keys (Streamlit ignores them while a text box has the focus): a teacher at a
# projector can play, pause and step without finding the mouse.
PLAY_KEY, STEP_KEY = "P", "N"


def nearest_speed(stride: int) -> int:
    """The speed of SPEEDS closest to `stride` iterations per frame (on a log scale)."""
    stride = max(int(stride), 1)
    return min(SPEEDS, key=lambda speed: abs(math.log(speed / stride)))


def animate(key: str, total: int, render: Callable[[int], None], stride: int = 1) -> None:
    """Draw `render(step)` under Play / Step / Reset buttons and a speed, as a fragment.

    The step starts at `total` (the finished run), so a page first shows the result;
    Reset goes back to 0, Step advances by one iteration, Play advances by the chosen
    speed (iterations per frame; `stride` picks its first value) until the end. The keys
    P (play or pause) and N (next iteration) do what the buttons do. Only the fragment
    reruns, not the page.
    """
    step_key, playing_key, speed_key = f"{key}_step", f"{key}_playing", f"{key}_speed"
    st.session_state.setdefault(step_key, total)
    st.session_state.setdefault(playing_key, False)
    st.session_state.setdefault(speed_key, nearest_speed(stride))
    st.session_state[step_key] = min(st.session_state[step_key], total)
    timer_on = st.session_state[playing_key]

    def toggle() -> None:
        # A callback runs before the fragment: a Pause stops at the frame on the screen,
        # it does not advance one more first.
        if not st.session_state[playing_key] and st.session_state[step_key] >= total:
            st.session_state[step_key] = 0
        st.session_state[playing_key] = not st.session_state[playing_key]

    def step_once() -> None:
        if st.session_state[step_key] >= total:
            st.session_state[step_key] = 0
        st.session_state[step_key] = min(st.session_state[step_key] + 1, total)
        st.session_state[playing_key] = False

    def reset() -> None:
        st.session_state[step_key] = 0
        st.session_state[playing_key] = False

    @st.fragment(run_every=FRAME_SECONDS if timer_on else None)
    def frame() -> None:
        playing = st.session_state[playing_key]
        if playing:
            following = st.session_state[step_key] + st.session_state[speed_key]
            st.session_state[step_key] = min(following, total)
            playing = st.session_state[playing_key] = following < total
        if playing != timer_on:
            st.rerun()  # start or stop the frame timer, which only a full run can set
        buttons, speed, label = st.columns([3, 2, 3])
        # A wrapping row sized to the labels: fixed narrow columns cut "Play" to "P…" in
        # projector style.
        row = buttons.container(horizontal=True, gap="small")
        row.button(
            "Pause" if playing else "Play", key=f"{key}_play", on_click=toggle,
            icon=":material/pause:" if playing else ":material/play_arrow:",
            shortcut=PLAY_KEY,
        )  # fmt: skip
        row.button(
            "Step", key=f"{key}_stepper", on_click=step_once, icon=":material/skip_next:",
            shortcut=STEP_KEY, help="One iteration forward",
        )  # fmt: skip
        row.button("Reset", key=f"{key}_reset", on_click=reset, icon=":material/replay:")
        speed.select_slider(
            "Play speed: iterations per frame", SPEEDS, key=speed_key,
            help=f"Play shows this many iterations every {FRAME_SECONDS:g} s; Step shows one.",
        )  # fmt: skip
        label.markdown(
            f"Iteration **{st.session_state[step_key]}** of {total}  \n"
            f"Step: one iteration. Keys: **{PLAY_KEY}** play or pause, **{STEP_KEY}** step."
        )
        render(st.session_state[step_key])

    frame()
