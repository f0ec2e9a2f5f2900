"""Load benchmark of the served app over Streamlit's own websocket protocol (`make loadtest`).

Simulated browser sessions, without a browser: each one connects to `/_stcore/stream`
as Streamlit's frontend does, sends `BackMsg.rerun_script` with the widget states a
browser would send, keeps the page a browser would draw (elements, widgets, the
ForwardMsg cache) and times what a person would see.

    python -m benchmarks.loadtest [--scenario NAME ...] [--quick] [--replicas N]

Modules, one idea each:

- `protocol`: BackMsg encoding, the browser's ForwardMsg cache, byte counting.
- `page`: the element tree and the widgets on it, as the frontend keeps them.
- `session`: one simulated browser tab (asyncio), its interactions and their timings.
- `users`: what a simulated person does on the Explorer, widget by widget.
- `expressions`: deterministic pools of valid expressions (ordinary and huge).
- `metrics`: percentiles, the server's CPU and memory from /proc, the result table.
- `servers`: starting and stopping the servers under test.
- `kit`: what the scenarios share (options, the expression pool, the checks).
- `scenarios`: the seven scenarios (single, shared link and soak here), and
  `crowds`: the two with many people (classroom, hostile neighbour), and
  `several`: the Several variables page, one person and a class (and `beyond`: Beyond
  grad, one person), and `teaching`: the Step by step page and the Explorer's tangent
  sections; `sectioned`: one person through a page of sections.
"""
