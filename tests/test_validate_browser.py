"""Validation by upload in real headless Chromium (Selenium): upload a seed guide with the
file input, read its report with line numbers, switch to English; screenshots at 360 and
1280 px under test-artefacts/; any browser console error fails the test."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.conftest import send

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "004_757a5c273432423d.txt"
ARTEFACTS = ROOT / "test-artefacts"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def server(make_server):
    return make_server({"timeout": 20, "write_token": "browser-token"})


@pytest.fixture
def driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail("chromium and chromium-driver are not installed (Debian packages chromium, chromium-driver)")
    profile = tempfile.mkdtemp(prefix="gg-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                f"--user-data-dir={profile}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    browser.set_page_load_timeout(60)
    try:
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


def console_errors(driver) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]


def screenshot(driver, name: str, width: int) -> Path:
    ARTEFACTS.mkdir(exist_ok=True)
    driver.set_window_size(width, 900)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(max(height + 150, 600), 4000))  # the window includes its chrome
    path = ARTEFACTS / f"{name}-{width}.png"
    driver.save_screenshot(str(path))
    return path


def test_upload_a_seed_guide_read_the_report_switch_to_english(server, driver):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    api = json.loads(send("POST", server.url + "/api/validate?name=004.txt", SEED.read_bytes(),
                          {"Content-Type": "text/plain"}).body)
    driver.set_window_size(360, 900)
    driver.get(server.url + "/validate")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh"
    assert driver.find_element(By.TAG_NAME, "h1").text == "上传指南进行校验"
    for width in (360, 1280):
        screenshot(driver, "validate-form", width)
    driver.set_window_size(360, 900)

    driver.find_element(By.ID, "file").send_keys(str(SEED))
    driver.find_element(By.ID, "submit").click()
    WebDriverWait(driver, 60).until(ec.presence_of_element_located((By.CSS_SELECTOR, "section.sev")))
    assert "/validate/result/" in driver.current_url
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith("校验报告")

    lines = SEED.read_text(encoding="utf-8").splitlines()
    shown = {int(li.get_attribute("value")): li.text for li in driver.find_elements(By.CSS_SELECTOR, "ol.lines li")}
    for f in api["findings"]:
        assert shown.get(f["start_line"]) == lines[f["start_line"] - 1].strip()
    messages = [p.text for p in driver.find_elements(By.CSS_SELECTOR, "li.finding span.msg")]
    assert any(f["messages"]["zh"] in m for f in api["findings"] for m in messages)
    outline_items = driver.find_elements(By.CSS_SELECTOR, "aside.voutline nav.tree li")
    assert len(outline_items) >= len(api["outline"])
    for width in (360, 1280):
        screenshot(driver, "validate-report-zh", width)

    driver.set_window_size(1280, 900)
    driver.find_element(By.CSS_SELECTOR, "header.site a.lang").click()
    WebDriverWait(driver, 30).until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en")
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith("Validation report")
    messages = [p.text for p in driver.find_elements(By.CSS_SELECTOR, "li.finding span.msg")]
    assert all(any(f["messages"]["en"] in m for m in messages) for f in api["findings"])
    assert driver.find_elements(By.CSS_SELECTOR, "ol.lines li")
    for width in (360, 1280):
        screenshot(driver, "validate-report-en", width)

    # The language is remembered: the form now opens in English.
    driver.get(server.url + "/validate")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert console_errors(driver) == []
