"""The stencil table's caption writes its error term as printed, not in typed markup."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def test_the_accuracy_caption_uses_superscripts_not_carets():
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("views/fd_lab.py").run()
    assert not at.exception
    captions = [c.value for c in at.caption if c.value.startswith("Accuracy order")]
    assert captions, [c.value for c in at.caption]
    # the default stencil -2..2 for f′: order 4, error about 1/30·h⁴·f⁽⁵⁾(x)
    assert captions[0] == "Accuracy order p = 4: the error is about 1/30·h⁴·f⁽⁵⁾(x)."
    assert "^" not in captions[0]
