#!/usr/bin/env python3
"""Headless-Chromium smoke test: log in as the seeded admin, change the initial password, open the
person registry and check it lists masked persons. Talks WebDriver to chromedriver with the standard
library only (no test-framework download). Usage: browser_smoke.py BASE_URL ADMIN_PASSWORD."""
import base64
import json
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

BASE, PASSWORD = sys.argv[1], sys.argv[2]
NEW_PASSWORD = "Smoke-Test-Ferry-42"
PORT = 9515


def call(method, path, body=None):
    req = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", method=method,
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read().decode()).get("value")


class Browser:
    def __init__(self, sid):
        self.sid = sid

    def cmd(self, method, path, body=None):
        return call(method, f"/session/{self.sid}{path}", body)

    def go(self, url):
        self.cmd("POST", "/url", {"url": url})

    def find(self, css):
        el = self.cmd("POST", "/element", {"using": "css selector", "value": css})
        return list(el.values())[0]

    def type_into(self, css, text):
        self.cmd("POST", f"/element/{self.find(css)}/value", {"text": text})

    def click(self, css):
        self.cmd("POST", f"/element/{self.find(css)}/click", {})

    def url(self):
        return self.cmd("GET", "/url")

    def source(self):
        return self.cmd("GET", "/source")

    def wait_for(self, part, seconds=15):
        # A click that submits a form may return before the navigation it starts has finished.
        deadline = time.time() + seconds
        while time.time() < deadline:
            ready = self.cmd("POST", "/execute/sync", {"script": "return document.readyState", "args": []})
            if part in self.url() and ready == "complete":
                return True
            time.sleep(0.1)
        return False


CHART_PROBE = """
const out = [];
for (const box of document.querySelectorAll('[data-chart]')) {
  const chart = window.echarts && window.echarts.getInstanceByDom(box);
  if (!chart) { out.push({id: box.dataset.chart, drawn: false}); continue; }
  const series = chart.getOption().series || [];
  const points = series.reduce((n, s) => n + (s.data || []).filter(v => v !== 0 && v !== null).length, 0);
  const canvas = box.querySelector('canvas');
  let painted = 0;
  if (canvas) {
    const ctx = canvas.getContext('2d');
    const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < px.length; i += 4 * 97) { if (px[i] !== 0) { painted++; } }
  }
  out.push({id: box.dataset.chart, drawn: true, series: series.length, points: points, painted: painted});
}
return out;
"""


def check_charts(b, where):
    deadline = time.time() + 20
    while time.time() < deadline:
        result = b.cmd("POST", "/execute/sync", {"script": CHART_PROBE, "args": []})
        if result and all(c.get("drawn") for c in result):
            break
        time.sleep(0.2)
    assert result, f"{where}: no chart boxes on the page (did the demo's figures get refreshed?)"
    for c in result:
        assert c.get("drawn"), f"{where}: chart {c['id']} was not drawn: {result}"
        assert c["points"] > 0, f"{where}: chart {c['id']} has no data points: {c}"
        assert c["painted"] > 50, f"{where}: chart {c['id']} canvas is blank: {c}"
    return len(result)


def smoke(b):
    b.go(BASE + "/login")
    b.type_into("#login", "admin")
    b.type_into("#password", PASSWORD)
    b.click("#login-submit")
    if not b.wait_for("/account/password"):
        alert = re.findall(r'role="alert">([^<]*)<', b.source())
        raise AssertionError(f"expected the first-login password change, got {b.url()}: {alert} {b.source()[:300]}")
    b.type_into("#current", PASSWORD)
    b.type_into("#new_password", NEW_PASSWORD)
    b.type_into("#confirm", NEW_PASSWORD)
    b.click("#password-submit")
    assert b.wait_for("/persons"), f"expected the registry after the change, got {b.url()}"
    page = b.source()
    assert "人员名册" in page, "registry title missing"
    rows = re.findall(r'<a href="/persons/[0-9a-f-]{36}">', page)
    assert len(rows) >= 10, f"expected a page of persons, found {len(rows)}"
    assert re.search(r"\d{3}\*{11}[\dX]{4}", page), "masked ID numbers missing"
    assert not re.search(r"(?<![\d*])\d{17}[\dX](?![\d*])", page), "a full ID number is on the page"
    with open("target/browser-smoke.png", "wb") as f:
        f.write(base64.b64decode(b.cmd("GET", "/screenshot")))
    # Staff: the review queue shows the demo's pending vacancies with their cross-checks.
    b.go(BASE + "/vacancies/review")
    queue = b.source()
    pending = re.findall(r'<a href="/vacancies/([0-9a-f-]{36})">', queue)
    assert pending, "the review queue lists the demo's pending vacancies"
    b.go(BASE + "/vacancies/" + pending[0])
    assert "信息协同比对" in b.source() and "review-form" in b.source(), "a pending vacancy shows its checks and the review form"
    # Follow-up: the task list of the month and the zero-employment households of the demo.
    b.go(BASE + "/followup")
    tasks = b.source()
    due = re.search(r"本月待联系 (\d+) 人", tasks)
    assert due, "the follow-up task list shows the month's count"
    b.go(BASE + "/households/zero")
    zero = re.search(r"当前零就业家庭 (\d+) 户", b.source())
    assert zero, "the zero-employment page shows its count"
    # Subsidies: the demo's applications in every state, one application's recorded steps, budgets.
    b.go(BASE + "/applications")
    apps = b.source()
    counts = re.search(r'id="status-counts">(.*?)</p>', apps, re.S)
    assert counts and "已支付" in counts.group(1) and "待确认（免申即享）" in counts.group(1), "the demo's applications in every state"
    first = re.findall(r'<a href="/applications/([0-9a-f-]{36})">', apps)
    assert first, "the application list links to applications"
    b.go(BASE + "/applications/" + first[0])
    assert "办理过程" in b.source() and 'id="steps"' in b.source(), "an application shows its recorded steps"
    b.go(BASE + "/budgets")
    assert 'id="budget"' in b.source() and "就业补助资金" in b.source(), "the budget page shows the demo's funds"
    # Dashboards: every chart with data is drawn by the shipped ECharts (no CDN) with its numbers,
    # on a canvas that has paint on it; the leader's overview draws its two charts too.
    b.go(BASE + "/dashboard")
    charts = check_charts(b, "/dashboard")
    with open("target/browser-smoke-dashboard.png", "wb") as f:
        f.write(base64.b64decode(b.cmd("GET", "/screenshot")))
    b.go(BASE + "/dashboard/overview")
    overview = check_charts(b, "/dashboard/overview")
    # The public board, as a phone would see it: search, large text, a vacancy page.
    b.cmd("POST", "/window/rect", {"width": 390, "height": 844})
    b.go(BASE + "/jobs")
    b.type_into("input[name=q]", "焊工")
    b.click("form.search button[type=submit]")
    assert b.wait_for("q=%E7%84%8A%E5%B7%A5"), f"the search form submits the words, got {b.url()}"
    board = b.source()
    total = re.search(r"共找到 (\d+) 个岗位", board)
    assert total and int(total.group(1)) > 0, "the board finds welders in the demo data"
    assert "焊" in board
    b.click("#toggle-large")
    assert b.wait_for("large=1"), "large-text mode is a link away"
    assert 'class="large"' in b.source()
    with open("target/browser-smoke-jobs.png", "wb") as f:
        f.write(base64.b64decode(b.cmd("GET", "/screenshot")))
    b.click("article.job h2 a")
    assert b.wait_for("/jobs/"), "a result opens its vacancy page"
    assert "怎样应聘" in b.source(), "the vacancy page says how to apply"
    print(f"browser smoke: logged in, changed password, registry lists {len(rows)} persons; review queue has {len(pending)}; "
          f"{due.group(1)} due for follow-up this month, {zero.group(1)} zero-employment households; applications and budgets render; "
          f"dashboard draws {charts} charts with data, overview {overview}; "
          f"the board finds {total.group(1)} welder vacancies on a phone-sized window (screenshots target/browser-smoke*.png)")


def main():
    driver = subprocess.Popen(["chromedriver", f"--port={PORT}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                call("GET", "/status")
                break
            except OSError:
                time.sleep(0.1)
        profile = tempfile.mkdtemp(prefix="jiuye-chrome-")
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--window-size=1366,900", f"--user-data-dir={profile}"]}}}}
        sid = call("POST", "/session", caps)["sessionId"]
        try:
            smoke(Browser(sid))
        finally:
            # Close the browser even when a check fails, so no Chromium outlives the test.
            call("DELETE", f"/session/{sid}")
    finally:
        driver.terminate()


main()
