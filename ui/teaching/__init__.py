"""The Step by step page's sections (steps, check, graph); the page (views/teaching.py)
picks one.

Every value a section shows is a widget bound to the URL, its key the name the page's
links have always used (`t_rf`, `t_cn`, `t_gm`, ...: "t_" + the section's letter + the
value); other keys (buttons, charts, the step reached) carry the same "t_" prefix, so a
lecture preset can forget them all.
"""

# Each section widget: in the link (bind), and kept while another section is shown
# (persist_state "page"). Not "session": a page opened from the sidebar is a fresh page,
# its section picker back at the first section; the link is what carries a view along.
BOUND = {"bind": "query-params", "persist_state": "page"}
