"""`core` is plain Python: importing it (even its JAX engine) never imports Streamlit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _modules_after(code: str) -> set[str]:
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    completed = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO_ROOT,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return set(json.loads(completed.stdout.strip().splitlines()[-1]))


def test_core_does_not_import_streamlit():
    modules = _modules_after("import core, core.engines.autodiff, core.language.expression")
    assert "core.engines.autodiff" in modules
    assert "streamlit" not in modules
    assert not any(name.startswith("streamlit.") for name in modules)


def test_parsing_does_not_import_streamlit_or_jax():
    # core.language.functions imports JAX lazily: the parser and SymPy workers must not pay for it.
    modules = _modules_after("import core\ncore.parse_expression('3sin(x) - e^(-x²) + |x| + a*x')")
    assert "core.language.expression" in modules
    assert "streamlit" not in modules
    assert "jax" not in modules
