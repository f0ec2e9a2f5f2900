"""What a phone's narrow screen needs from every page: the router calls `apply()` each run.

- On a phone Streamlit draws the sidebar over 77% of the screen and leaves it open after a
  page is chosen from it, so the page opened stays hidden. After a page change, a small
  script closes it, only where the screen is as narrow as Streamlit's own phone layout
  (where the sidebar covers the page instead of sitting beside it).
- Plotly's toolbar (the modebar) sits over the top right of a chart, where the Explorer's
  charts have their legends; a phone's touch shows it at the first tap. Under PHONE_WIDTH
  it is not drawn: zooming by its buttons is not what a phone is used for.
"""

from __future__ import annotations

import streamlit as st

PHONE_WIDTH = 640  # px: below this the modebar is hidden
SIDEBAR_OVERLAY_WIDTH = 768  # px: Streamlit's "md" breakpoint, where the sidebar overlays
PAGE_KEY = "phone_last_page"  # the page the previous run showed

TOOLBAR_CSS = (
    f"<style>@media (max-width: {PHONE_WIDTH}px) "
    "{ .js-plotly-plot .modebar-container { display: none !important; } }</style>"
)


def _closing_script(page: str) -> str:
    # The page's path makes each navigation's script a new element, so it runs again.
    return f"""<script data-page="{page}">
(() => {{
  if (!window.matchMedia("(max-width: {SIDEBAR_OVERLAY_WIDTH}px)").matches) return;
  const doc = window.parent && window.parent.document ? window.parent.document : document;
  const sidebar = doc.querySelector('[data-testid="stSidebar"]');
  if (!sidebar || sidebar.getAttribute("aria-expanded") === "false"
      || sidebar.getAttribute("data-collapsed") === "true") return;
  const button = doc.querySelector('[data-testid="stSidebarCollapseButton"] button');
  if (button) button.click();
}})();
</script>"""


def apply(page: str) -> None:
    """The narrow-screen rules, and after a change of page (`page`: its url path) the script
    that closes the sidebar on a phone."""
    st.html(TOOLBAR_CSS)
    previous = st.session_state.get(PAGE_KEY)
    st.session_state[PAGE_KEY] = page
    if previous is not None and previous != page:
        st.sidebar.html(_closing_script(page), unsafe_allow_javascript=True)
