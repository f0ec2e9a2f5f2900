"""core.notebooks.query: a link's values read as Streamlit's bound widgets read them."""

from __future__ import annotations

from core.notebooks.query import Query


def test_single_values_take_the_last_and_bad_ones_the_default():
    query = Query("?n=3&n=7&x0=inf&f=&h=1e-3")
    assert query.integer("n", 4, 1, 10) == 7
    assert query.integer("n", 4, 1, 5) == 4  # out of the slider's range: ignored
    assert query.number("x0", 0.5) == 0.5  # not finite
    assert query.text("f", "sin(x)") == ""  # an empty text box is a value
    assert query.integer("h", 0, 0, 9, whole=True) == 0  # a number box of whole numbers


def test_a_range_is_the_name_twice_in_order():
    assert Query("r=-2&r=3").pair("r", (0.0, 1.0), -10, 10) == (-2.0, 3.0)
    assert Query("r=3&r=-2").pair("r", (0.0, 1.0), -10, 10) == (0.0, 1.0)
    assert Query("r=-2,3").pair("r", (0.0, 1.0), -10, 10) == (0.0, 1.0)
    assert Query("r=-2,3").pair("r", (0.0, 1.0), -10, 10, old=True) == (-2.0, 3.0)


def test_options_by_label_and_older_links_codes():
    labels = {"AD (JAX)": "ad", "Finite differences": "fd"}
    codes = {"ad": "ad", "fd": "fd"}
    assert Query("m=Finite+differences").option("m", labels, "ad") == "fd"
    assert Query("m=fd").option("m", labels, "ad") == "ad"
    assert Query("m=fd").option("m", labels, "ad", codes) == "fd"
    assert Query("s=AD+%28JAX%29&s=nope").options("s", labels, ["ad", "fd"]) == ["ad"]
    assert Query("s=").options("s", labels, ["ad", "fd"]) == []
    assert Query("s=nope").options("s", labels, ["ad", "fd"]) == ["ad", "fd"]
    assert Query("s=fd,ad").options("s", labels, ["ad"], codes) == ["fd", "ad"]


def test_switches_and_number_options():
    assert Query("t=TRUE").switch("t", False) is True
    assert Query("t=1").switch("t", False) is False
    assert Query("t=1").switch("t", False, old=True) is True
    steps = (0.001, 0.01, 0.5)
    assert Query("h=0.01").number_option("h", steps, str, 0.5) == 0.01
    assert Query("h=1e-3").number_option("h", steps, str, 0.5) == 0.001
    assert Query("h=0.02").number_option("h", steps, str, 0.5) == 0.5


def test_the_link_is_written_back_encoded():
    assert Query("f=x%5E2&n=2").link("explorer") == "explorer?f=x%5E2&n=2"
    assert Query("").link("explorer") == "explorer"
    assert "<" not in Query("f=<script>").link("explorer")
