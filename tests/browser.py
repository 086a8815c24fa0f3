"""Real headless Chromium (Debian chromium + chromium-driver) through Selenium, for page tests.

``browser`` fails the test on any console error; ``screenshot`` saves the whole
page under test-artefacts/ so a person can look at it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ARTEFACTS = Path(__file__).resolve().parent.parent / "test-artefacts"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WIDTHS = [360, 1280]


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.implicitly_wait(0)
    try:
        yield driver
        errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
        assert errors == [], errors
    finally:
        driver.quit()


def sized(driver, width: int, height: int = 900) -> None:
    """A viewport ``width`` CSS pixels wide (headless windows have a minimum width, so emulate the device)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
    driver.set_window_size(max(width, 800), height + 100)


def wait(driver, condition, seconds: float = 30):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds).until(condition)


def screenshot(driver, name: str) -> Path:
    """The whole page (up to 4000 px tall) at the current viewport width."""
    ARTEFACTS.mkdir(exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    width = driver.execute_script("return window.innerWidth")
    height = driver.execute_script("return Math.min(document.documentElement.scrollHeight, 4000)")
    sized(driver, width, max(600, height))
    assert driver.save_screenshot(str(path))
    return path


def no_page_overflow(driver) -> None:
    assert driver.execute_script("return document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


def visible(driver, selector: str):
    from selenium.webdriver.common.by import By

    return [e for e in driver.find_elements(By.CSS_SELECTOR, selector) if e.is_displayed()]


