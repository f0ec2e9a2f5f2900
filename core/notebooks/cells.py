"""A notebook as a list of cells, written out as nbformat-4 JSON and validated.

Every notebook the pages offer has the same frame: a title naming the page, the section
and the link it came from; the settings the link gives, as Python variables; the
computations; the figure; and a last cell that prints the numbers the page shows at
full precision (`repr`), one `name: value` line each, so that a reader (or a test) can
compare them with the page. `shown` is the dictionary those cells fill.
"""

from __future__ import annotations

from collections.abc import Mapping

import nbformat
from nbformat import v4

# The kernel a notebook asks for: any Python 3 with the app's dependencies.
KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}
SHOWN_HEADER = "The numbers the page shows:"
SHOWN_CELL = (
    "# The numbers the page shows, at full precision, to compare with it\n"
    f"print({SHOWN_HEADER!r})\n"
    "for name, value in shown.items():\n"
    '    print(f"{name}: {value!r}")\n'
)
# A figure is shown by being a cell's last expression: Jupyter draws it, a plain `python`
# run of the cells builds it and prints this line instead of opening a browser.
FIGURE_SUMMARY = 'print(f"figure: {{len({name}.data)}} traces")\n{name}\n'


class Notebook:
    """Cells in order; `json()` gives the validated nbformat-4 document.

    Example:
        >>> book = Notebook()
        >>> book.markdown("# A title")
        >>> book.code("x = 1\\nprint(x)")
        >>> '"nbformat": 4' in book.json()
        True
    """

    def __init__(self) -> None:
        self.cells: list = []

    def markdown(self, text: str) -> None:
        """A markdown cell."""
        self.cells.append(v4.new_markdown_cell(text.strip()))

    def code(self, source: str) -> None:
        """A code cell (trailing blank lines dropped)."""
        self.cells.append(v4.new_code_cell(source.strip("\n")))

    def json(self) -> str:
        """The notebook as nbformat-4 JSON, checked against nbformat's schema.

        Raises:
            nbformat.ValidationError: never for cells built here (a defect if it does).
        """
        book = v4.new_notebook(
            cells=list(self.cells),
            metadata={"kernelspec": KERNEL, "language_info": {"name": "python"}},
        )
        nbformat.validate(book)
        return nbformat.writes(book)


def title(book: Notebook, page: str, section: str | None, link: str, about: str) -> None:
    """The title cell: the page (and section), the link the view came from, what it shows."""
    heading = f"{page}: {section}" if section else page
    book.markdown(
        f"# {heading}\n\n"
        f"The view of the Derivative Explorer's link `{link}`, as a notebook. {about}\n\n"
        "Run the cells from the top: they need NumPy, SciPy, SymPy, JAX and Plotly (the "
        "app's dependencies), not the app. The last cell prints the numbers the page shows, "
        "to compare."
    )


def settings(values: Mapping[str, object], comments: Mapping[str, str] | None = None) -> str:
    """A settings cell: one `name = value` line per setting (values as repr), then `shown = {}`.

    Example:
        >>> print(settings({"x0": 0.5, "order": 2}, {"x0": "the point"}), end="")
        # The settings of the link
        x0 = 0.5  # the point
        order = 2
        <BLANKLINE>
        shown = {}  # name -> a number the page shows (printed at the end)
    """
    comments = comments or {}
    lines = ["# The settings of the link"]
    for name, value in values.items():
        note = f"  # {comments[name]}" if name in comments else ""
        lines.append(f"{name} = {value!r}{note}")
    lines += ["", "shown = {}  # name -> a number the page shows (printed at the end)"]
    return "\n".join(lines) + "\n"


def figure_lines(name: str = "fig") -> str:
    """The lines that end a figure's cell: a one-line summary, then the figure itself."""
    return FIGURE_SUMMARY.format(name=name)


def finish(book: Notebook) -> str:
    """Add the last cell (the numbers the page shows) and give the validated JSON."""
    book.code(SHOWN_CELL)
    return book.json()


def quoted(text: str) -> str:
    """Typed text as inline markdown code, safe whatever it holds (backticks included)."""
    longest = 0
    run = 0
    for character in text:
        run = run + 1 if character == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    return f"{fence} {text} {fence}"
