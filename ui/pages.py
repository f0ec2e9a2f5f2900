"""The app's pages, made once per process and handed to each run as fresh copies.

`st.Page` resolves its file on the disk (a `realpath` and two `stat`s per page): eleven
pages on every run of every session were 5 % of a busy replica's samples, and each system
call gives up the GIL that thirty sessions' runs queue for. The pages are made once (in
the first run: a page needs the run's context for the main script's folder) and each run
gets shallow copies, because `st.navigation` and `Page.run` mark the page a run may call
on the page object itself, which two sessions' runs must not share.
"""

from __future__ import annotations

import copy
import functools

import streamlit as st

from ui import navigate

# file, title, icon, options; the file is the name presets and ui.navigate open a page by
TABLE = [
    ("views/explorer.py", "Explorer", "show_chart", {"default": True}),
    ("views/fd_lab.py", "Finite-differences lab", "science", {}),
    ("views/data.py", "Derivatives of data", "scatter_plot", {}),
    # A short title: a long one is cut in the sidebar when its page is selected.
    ("views/kinks.py", "Kinks and programs", "route", {}),
    ("views/several_variables.py", "Several variables", "grid_on", {}),
    ("views/regression.py", "Regression", "trending_up", {}),
    ("views/descent.py", "Descent trajectories", "moving", {}),
    ("views/beyond_grad.py", "Beyond grad", "alt_route", {}),
    ("views/teaching.py", "Step by step", "school", {}),
    ("views/classroom.py", "Class", "groups", {"url_path": "class"}),
    (navigate.HOP, "Opening…", "hourglass_top", {"url_path": "go", "visibility": "hidden"}),
]


def pages() -> dict[str, st.Page]:
    """Page file -> its page, this run's own copies."""
    return {file: copy.copy(page) for file, page in _made().items()}


@functools.cache
def _made() -> dict[str, st.Page]:
    return {
        file: st.Page(file, title=title, icon=f":material/{icon}:", **options)
        for file, title, icon, options in TABLE
    }
