"""A live class through nginx and two replicas: a teacher leads, three students follow.

The cluster is `deploy.local.serve(replicas=2)`, its class store one SQLite file that
both replicas share (DERIVATIVE_EXPLORER_CLASS_STORE, set before the replicas start;
`deploy.local` hands them this process's environment). Each person is a browser context
of their own, so each gets their own affinity cookie from nginx; the test sees to it
that a student sits on the other replica than the teacher, so following, pausing and
answering cross replicas through the store.

The flow is the issue's: join by code (one typed in lower case) with nicknames; the
teacher opens the Explorer and types a function, then opens the Finite-differences lab,
pauses and resumes, asks d/dx sin(x²); the students answer right, right in another form,
and with the chain-rule slip; the dashboard tallies them and the CSV export holds them.
"""

from __future__ import annotations

import csv
import re
import urllib.request

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from deploy.local import serve

pytestmark = pytest.mark.browser

LOAD_TIMEOUT = 180_000  # ms: a page's cold first run on a loaded two-core machine
FOLLOW_TIMEOUT = 180_000  # ms: generous for a loaded machine (the waker reads every 0.25 s)
EXPRESSION = "x^3 + cos(x)"
FD_LAB = "Finite-differences lab"
SETTLED = "() => document.querySelectorAll('[data-stale=true]').length === 0"
ANSWERS = {  # nickname -> (answer, judged right)
    "Ada": ("2x cos(x^2)", True),
    "Ben": ("cos(x^2)*2x", True),
    "Cy": ("cos(x^2)", False),  # the chain rule without the inner derivative
}


@pytest.fixture(scope="module")
def cluster(artifacts, tmp_path_factory):
    store = tmp_path_factory.mktemp("class-store") / "class.sqlite3"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DERIVATIVE_EXPLORER_CLASS_STORE", f"sqlite:///{store}")
        with serve(replicas=2, log_dir=artifacts / "class-cluster", timeout=600) as running:
            yield running


@pytest.fixture
def contexts(browser, artifacts):
    """New browser contexts; on the way out, a screenshot of each page, then closed."""
    opened: list[BrowserContext] = []

    def new_context() -> BrowserContext:
        opened.append(browser.new_context(accept_downloads=True))
        return opened[-1]

    yield new_context
    for index, context in enumerate(opened):
        for page in context.pages:
            page.screenshot(path=artifacts / f"class-context-{index}.png", full_page=True)
        context.close()


def _fresh_route(cluster, avoid: str) -> tuple[str, str]:
    """An affinity cookie as nginx hands one to a new browser, routed away from `avoid`.

    Returns:
        (the de_route value, the X-Upstream it routes to).
    """
    for _ in range(40):
        with urllib.request.urlopen(f"{cluster.url}/_stcore/health", timeout=30) as response:
            response.read()
            upstream = response.headers["X-Upstream"]
            cookies = response.headers.get_all("Set-Cookie") or []
        route = next(c.split(";")[0].split("=", 1)[1] for c in cookies if c.startswith("de_route="))
        if upstream != avoid:
            return route, upstream
    raise AssertionError("nginx never routed a new browser to the other replica")


def _settle(page: Page) -> None:
    page.wait_for_function(SETTLED, timeout=LOAD_TIMEOUT)


def _open_class_page(page: Page, url: str) -> str:
    """Open the Class page; return the replica that served it (X-Upstream)."""
    response = page.goto(f"{url}/class")
    assert response is not None
    assert response.ok
    expect(page.get_by_role("heading", name="Class", exact=True)).to_be_visible(
        timeout=LOAD_TIMEOUT
    )
    _settle(page)
    return response.headers["x-upstream"]


def _type(page: Page, key: str, text: str) -> None:
    """Type into the text input with session key `key` and commit it (Enter)."""
    box = page.locator(f".st-key-{key} input")
    box.fill(text)
    box.press("Enter")
    _settle(page)


def _sidebar_link(page: Page, name: str):
    return page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True)


def _join(page: Page, code: str, nickname: str) -> None:
    _type(page, "class_code", code)
    _type(page, "class_nickname", nickname)
    page.locator(".st-key-class_join button").click()
    expect(page.get_by_test_id("stAlert").filter(has_text=nickname)).to_be_visible(
        timeout=LOAD_TIMEOUT
    )
    expect(page.get_by_test_id("stSidebar")).to_contain_text(nickname)


def _answer(page: Page, text: str) -> None:
    card = page.locator(".st-key-class_question")
    expect(card).to_be_visible(timeout=FOLLOW_TIMEOUT)
    box = card.locator("input")
    box.fill(text)
    box.press("Enter")
    send = card.get_by_role("button", name="Send")
    expect(send).to_be_enabled(timeout=LOAD_TIMEOUT)
    send.click()
    expect(card.get_by_test_id("stAlert")).to_be_visible(timeout=LOAD_TIMEOUT)


def test_a_live_class_across_two_replicas(contexts, cluster, artifacts):
    # -- the teacher starts a class ----------------------------------------------------
    teacher = contexts().new_page()
    teacher_replica = _open_class_page(teacher, cluster.url)
    teacher.locator(".st-key-class_start button").click()
    sidebar = teacher.get_by_test_id("stSidebar")
    expect(sidebar).to_contain_text(re.compile(r"Class [A-Z2-9]{6}"), timeout=LOAD_TIMEOUT)
    code = re.search(r"Class ([A-Z2-9]{6})", sidebar.inner_text()).group(1)

    # -- three students join, each in a browser of their own ----------------------------
    students: dict[str, Page] = {}
    replicas: dict[str, str] = {}
    for index, nickname in enumerate(ANSWERS):
        context = contexts()
        if index == len(ANSWERS) - 1 and set(replicas.values()) == {teacher_replica}:
            # Both earlier students landed by chance on the teacher's replica: the last
            # one comes with a cookie nginx hands out that routes to the other one.
            route, _ = _fresh_route(cluster, avoid=teacher_replica)
            context.add_cookies([{"name": "de_route", "value": route, "url": cluster.url}])
        page = context.new_page()
        replicas[nickname] = _open_class_page(page, cluster.url)
        cookies = {c["name"]: c["value"] for c in context.cookies()}
        assert cookies.get("de_route"), "every browser has its own affinity cookie"
        _join(page, code.lower() if index == 1 else code, nickname)  # any case will do
        students[nickname] = page
    assert set(replicas.values()) - {teacher_replica}, "a student on the other replica"
    expect(teacher.get_by_text("3 students · 3 follow you")).to_be_visible(timeout=FOLLOW_TIMEOUT)

    # -- the teacher opens the Explorer and types a function: everyone follows ----------
    _sidebar_link(teacher, "Explorer").click()
    expect(teacher.get_by_role("heading", name="Derivative Explorer")).to_be_visible(
        timeout=LOAD_TIMEOUT
    )
    _settle(teacher)
    _type(teacher, "f", EXPRESSION)
    for page in students.values():
        expect(page.locator(".st-key-f input")).to_have_value(EXPRESSION, timeout=FOLLOW_TIMEOUT)
        expect(page.get_by_role("heading", name="Derivative Explorer")).to_be_visible()

    # -- another page --------------------------------------------------------------------
    _sidebar_link(teacher, FD_LAB).click()
    expect(teacher.get_by_role("heading", name=FD_LAB)).to_be_visible(timeout=LOAD_TIMEOUT)
    for page in students.values():
        expect(page.get_by_role("heading", name=FD_LAB)).to_be_visible(timeout=FOLLOW_TIMEOUT)
        expect(page).to_have_url(re.compile(r"/fd_lab"))

    # -- "Eyes on me": a pause card, then the page again -------------------------------
    pause = teacher.locator(".st-key-class_pause label")
    pause.click()
    for page in students.values():
        expect(page.get_by_text("Eyes on your teacher")).to_be_visible(timeout=FOLLOW_TIMEOUT)
        expect(page.get_by_role("heading", name=FD_LAB)).to_have_count(0)
    _settle(teacher)
    pause.click()
    for page in students.values():
        expect(page.get_by_role("heading", name=FD_LAB)).to_be_visible(timeout=FOLLOW_TIMEOUT)
        expect(page.get_by_text("Eyes on your teacher")).to_have_count(0)

    # -- the teacher asks d/dx sin(x^2) from the Class page -----------------------------
    _sidebar_link(teacher, "Class").click()
    expect(teacher.locator(".st-key-class_ask_f input")).to_be_visible(timeout=LOAD_TIMEOUT)
    _settle(teacher)
    _type(teacher, "class_ask_f", "sin(x^2)")
    teacher.locator(".st-key-class_ask button").click()
    _settle(teacher)
    for nickname, (answer, right) in ANSWERS.items():
        page = students[nickname]
        _answer(page, answer)
        verdict = page.locator(".st-key-class_question").get_by_test_id("stAlert")
        # A right answer is a success box, a wrong one an error box.
        kind = "Success" if right else "Error"
        expect(verdict.get_by_test_id(f"stAlertContent{kind}")).to_be_visible()
    # The students did not leave the page they were on.
    assert all(re.search(r"/fd_lab", page.url) for page in students.values())

    # -- the dashboard: 3 of 3 answered, 2 right, the slip named --------------------------
    metrics = teacher.get_by_test_id("stMetric")
    expect(metrics.filter(has_text="Answered")).to_contain_text("3 of 3", timeout=FOLLOW_TIMEOUT)
    expect(metrics.filter(has_text="Correct")).to_contain_text("2")
    expect(metrics.filter(has_text="Wrong")).to_contain_text("1")
    expect(teacher.get_by_text(re.compile("chain rule", re.IGNORECASE)).first).to_be_visible(
        timeout=FOLLOW_TIMEOUT
    )
    _settle(teacher)
    teacher.screenshot(path=artifacts / "class-teacher.png", full_page=True)
    students["Cy"].screenshot(path=artifacts / "class-student.png", full_page=True)

    # -- the export: every answer, with nicknames, verdicts and the slip ----------------
    with teacher.expect_download(timeout=LOAD_TIMEOUT) as download:
        teacher.locator(".st-key-class_export").get_by_role(
            "button", name="Download answers (CSV)"
        ).click()
    assert download.value.suggested_filename == f"class-{code}.csv"
    with open(download.value.path(), newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert sorted(row["nickname"] for row in rows) == sorted(ANSWERS)
    by_name = {row["nickname"]: row for row in rows}
    for nickname, (answer, right) in ANSWERS.items():
        row = by_name[nickname]
        assert row["answer"] == answer
        assert row["verdict"] == ("correct" if right else "wrong")
        assert ("chain rule" in row["slip"].lower()) == (not right)
