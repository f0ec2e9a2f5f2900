"""Play / Step / Reset controls for pages that animate an algorithm's iterations."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

FRAME_SECONDS = 0.3


def animate(key: str, total: int, render: Callable[[int], None], stride: int = 1) -> None:
    """Draw `render(step)` under Play / Step / Reset buttons, as a fragment.

    The step starts at `total` (the finished run), so a page first shows the result;
    Reset goes back to 0, Step advances by `stride`, Play advances one stride per frame
    until the end. Only the fragment reruns, not the page.
    """
    step_key, playing_key = f"{key}_step", f"{key}_playing"
    st.session_state.setdefault(step_key, total)
    st.session_state.setdefault(playing_key, False)
    st.session_state[step_key] = min(st.session_state[step_key], total)
    playing = st.session_state[playing_key]

    @st.fragment(run_every=FRAME_SECONDS if playing else None)
    def frame() -> None:
        if st.session_state[playing_key]:
            following = st.session_state[step_key] + stride
            st.session_state[step_key] = min(following, total)
            if following >= total:
                st.session_state[playing_key] = False
                st.rerun()  # stop the timer
        b1, b2, b3, label = st.columns([1, 1, 1, 4])
        if b1.button(
            "Pause" if st.session_state[playing_key] else "Play",
            key=f"{key}_play", icon=":material/play_arrow:",
        ):  # fmt: skip
            if not st.session_state[playing_key] and st.session_state[step_key] >= total:
                st.session_state[step_key] = 0
            st.session_state[playing_key] = not st.session_state[playing_key]
            st.rerun()
        if b2.button("Step", key=f"{key}_stepper", icon=":material/skip_next:"):
            if st.session_state[step_key] >= total:
                st.session_state[step_key] = 0
            st.session_state[step_key] = min(st.session_state[step_key] + stride, total)
        if b3.button("Reset", key=f"{key}_reset", icon=":material/replay:"):
            st.session_state[step_key] = 0
            st.session_state[playing_key] = False
        label.markdown(f"Iteration **{st.session_state[step_key]}** of {total}")
        render(st.session_state[step_key])

    frame()
