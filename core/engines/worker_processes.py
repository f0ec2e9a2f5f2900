"""Worker processes that never run the app: the forkserver context of every pool.

Every pool of killable workers (SymPy's, the bounded parser's, the program workers')
starts its processes from this context.
"""

from __future__ import annotations

import io
import os
from multiprocessing import context as multiprocessing_context
from multiprocessing import forkserver, popen_forkserver, reduction, spawn, util

# What multiprocessing's preparation data uses to re-run the parent's main script in a
# new process. Under Streamlit, `sys.modules["__main__"]` is whichever page script a
# session thread is running (and under AppTest the test), so a worker started from any
# thread could run the app; a worker needs only the module of the function it runs.
_MAIN_KEYS = ("init_main_from_path", "init_main_from_name")


class _WorkerPopen(popen_forkserver.Popen):
    """CPython's forkserver Popen, sending preparation data without the main script.

    `_launch` is CPython's own (the same from 3.11 to its main branch) but for the two
    keys it drops: reading `sys.modules["__main__"]` once and mutating nothing, it is
    safe while other threads swap `__main__`.
    """

    def _launch(self, process_obj) -> None:
        prep_data = spawn.get_preparation_data(process_obj._name)
        for key in _MAIN_KEYS:
            prep_data.pop(key, None)
        buf = io.BytesIO()
        multiprocessing_context.set_spawning_popen(self)
        try:
            reduction.dump(prep_data, buf)
            reduction.dump(process_obj, buf)
        finally:
            multiprocessing_context.set_spawning_popen(None)
        self.sentinel, w = forkserver.connect_to_new_process(self._fds)
        # As CPython: a duplicate of the data pipe's write end is the child's sentinel
        # of its parent.
        _parent_w = os.dup(w)
        self.finalizer = util.Finalize(self, util.close_fds, (_parent_w, self.sentinel))
        with open(w, "wb", closefd=True) as f:
            f.write(buf.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


class _WorkerProcess(multiprocessing_context.ForkServerProcess):
    """A forkserver process that never imports or runs the parent's `__main__`."""

    @staticmethod
    def _Popen(process_obj):
        return _WorkerPopen(process_obj)


class WorkerContext(multiprocessing_context.ForkServerContext):
    """The forkserver context of every worker pool (symbolic and program workers)."""

    Process = _WorkerProcess
