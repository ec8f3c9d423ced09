#!/usr/bin/env python3
"""Headless-Chromium smoke test: log in as the seeded admin, change the initial password, open the
person registry and check it lists masked persons. Talks WebDriver to chromedriver with the standard
library only (no test-framework download). Usage: browser_smoke.py BASE_URL ADMIN_PASSWORD."""
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
                     "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1366,900",
                     f"--user-data-dir={profile}"]}}}}
        sid = call("POST", "/session", caps)["sessionId"]

        def go(url):
            call("POST", f"/session/{sid}/url", {"url": url})

        def find(css):
            el = call("POST", f"/session/{sid}/element", {"using": "css selector", "value": css})
            return list(el.values())[0]

        def type_into(css, text):
            call("POST", f"/session/{sid}/element/{find(css)}/value", {"text": text})

        def click(css):
            call("POST", f"/session/{sid}/element/{find(css)}/click", {})

        def url():
            return call("GET", f"/session/{sid}/url")

        def source():
            return call("GET", f"/session/{sid}/source")

        def wait_for(suffix, seconds=15):
            # A click that submits a form may return before the navigation it starts has finished.
            deadline = time.time() + seconds
            while time.time() < deadline:
                if suffix in url() and call("POST", f"/session/{sid}/execute/sync", {"script": "return document.readyState", "args": []}) == "complete":
                    return True
                time.sleep(0.1)
            return False

        go(BASE + "/login")
        type_into("#login", "admin")
        type_into("#password", PASSWORD)
        click("#login-submit")
        if not wait_for("/account/password"):
            err = re.findall(r"role=\"alert\">([^<]*)<", source())
            raise AssertionError(f"expected the first-login password change, got {url()}: {err} {source()[:300]}")
        type_into("#current", PASSWORD)
        type_into("#new_password", NEW_PASSWORD)
        type_into("#confirm", NEW_PASSWORD)
        click("#password-submit")
        assert wait_for("/persons"), f"expected the registry after the change, got {url()}"
        page = source()
        assert "人员名册" in page, "registry title missing"
        rows = re.findall(r'<a href="/persons/[0-9a-f-]{36}">', page)
        assert len(rows) >= 10, f"expected a page of persons, found {len(rows)}"
        assert re.search(r"\d{3}\*{11}[\dX]{4}", page), "masked ID numbers missing"
        assert not re.search(r"(?<![\d*])\d{17}[\dX](?![\d*])", page), "a full ID number is on the page"
        shot = call("GET", f"/session/{sid}/screenshot")
        with open("target/browser-smoke.png", "wb") as f:
            import base64
            f.write(base64.b64decode(shot))
        call("DELETE", f"/session/{sid}")
        print(f"browser smoke: logged in, changed password, registry lists {len(rows)} persons (screenshot target/browser-smoke.png)")
    finally:
        driver.terminate()


main()
