"""The Beyond grad page's sections: each reads its widgets, calls core (cached in
ui.beyond_grad_cached) and renders; the page (views/beyond_grad.py) picks one.

Every value a section shows is a widget bound to the URL, its key the name the page's
links have always used (`b_cx`, `b_if`, ...: "b_" + the section's letter + the value);
other keys (charts) carry the same "b_" prefix, so a lecture preset can forget them all.
"""

# Each section widget: in the link (bind), and kept while another section is shown
# (persist_state "page"). Not "session": a page opened from the sidebar is a fresh page,
# its section picker back at the first section; the link is what carries a view along.
BOUND = {"bind": "query-params", "persist_state": "page"}
