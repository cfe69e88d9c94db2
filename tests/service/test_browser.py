"""The review page in a real browser: Debian's chromium, headless, driven by Selenium.

A reviewer logs in with a key, opens a suggestion from the list, sees the
evidence highlighted, confirms it with the keyboard, and the decision and its
audit entry are in the database. Skipped when chromium, chromedriver or
selenium is missing, unless ``FLAGGING_REQUIRE_BROWSER=1`` (set by ``.ci/run``,
which installs them), where a missing browser fails. With
``FLAGGING_SCREENSHOT_DIR`` set, the review page is saved there as a PNG.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import httpx
import pytest

from tests.service.conftest import SIGNAL_NOTES, db_rows, headers

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def _browser_or_skip():
    missing = [name for name, ok in (("chromium", CHROMIUM), ("chromedriver", CHROMEDRIVER)) if not ok]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium")
    if missing:
        msg = f"browser test needs {', '.join(missing)} (apt-get install chromium chromium-driver)"
        if os.environ.get("FLAGGING_REQUIRE_BROWSER") == "1":
            pytest.fail(msg)
        pytest.skip(msg)


@pytest.fixture(scope="module")
def driver():
    _browser_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not try to download anything
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1360,1000", "--lang=nl-NL", "--no-first-run", "--disable-extensions"):
        opts.add_argument(arg)
    drv = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=opts)
    drv.set_page_load_timeout(60)
    yield drv
    drv.quit()


def test_reviewer_confirms_with_the_keyboard(server, driver):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    with httpx.Client(base_url=server.url, timeout=60) as api:
        rec = api.post("/api/v1/scan", json={"id": "n-browser", "text": SIGNAL_NOTES[0], "area": "wijk-2",
                                             "date": "2026-11-02"}, headers=headers(server, "integrator")).json()
    sid = rec["suggestion_ids"][0]
    wait = WebDriverWait(driver, 30)

    driver.get(server.url + "/review")  # not logged in: sent to the login page
    wait.until(ec.presence_of_element_located((By.ID, "key")))
    driver.find_element(By.ID, "key").send_keys(server.keys["reviewer"])
    driver.find_element(By.ID, "login-submit").click()

    link = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, f'a.open-suggestion[data-id="{sid}"]')))
    link.click()
    wait.until(ec.presence_of_element_located((By.ID, "decision-form")))
    assert "geen melding" in driver.find_element(By.CSS_SELECTOR, ".notice").text
    marks = driver.find_elements(By.CSS_SELECTOR, "#note-text mark.ev.focus")
    assert marks, "no evidence highlighted"
    assert any("wietlucht" in m.text.lower() for m in marks), [m.text for m in marks]
    assert "Fatima" not in driver.find_element(By.ID, "note-text").text  # redacted
    assert driver.find_element(By.CSS_SELECTOR, ".route li").text  # the organisation's route is shown

    shots = os.environ.get("FLAGGING_SCREENSHOT_DIR")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(shots) / "review-page.png"))

    driver.find_element(By.TAG_NAME, "body").send_keys("b")  # b = bevestigen (confirm)
    wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "p.ok"), f"suggestie {sid} vastgelegd"))

    assert db_rows(server, "SELECT decision FROM decisions WHERE suggestion_id = ?", (sid,)) == [("confirm",)]
    assert db_rows(server, "SELECT status FROM suggestions WHERE id = ?", (sid,)) == [("confirmed",)]
    audit = db_rows(server, "SELECT action, details FROM audit_log WHERE target = ? ORDER BY seq",
                    (f"suggestion:{sid}",))
    assert [a for a, _ in audit] == ["suggestion.view", "decision"]
    assert '"confirm"' in audit[-1][1]

    # typing the shortcut letter in the reason box writes text, it does not decide
    driver.get(server.url + "/review")
    open_links = driver.find_elements(By.CSS_SELECTOR, "a.open-suggestion")
    if open_links:
        other = int(open_links[0].get_attribute("data-id"))
        open_links[0].click()
        box = wait.until(ec.presence_of_element_located((By.ID, "reason")))
        box.send_keys("b")
        box.send_keys(Keys.TAB)
        assert db_rows(server, "SELECT count(*) FROM decisions WHERE suggestion_id = ?", (other,)) == [(0,)]
