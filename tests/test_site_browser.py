"""The site as a person uses it, in real headless Chromium: home, guide outline, breadcrumbs, English.

Each step saves a screenshot under test-artefacts/ at 360 px and 1280 px; the
browser fixture fails the test on any console error.
"""

from __future__ import annotations

import pytest

from browser import WIDTHS, browser, no_page_overflow, screenshot, sized, visible, wait  # noqa: F401 - fixtures and helpers
from seeded_server import seeded_server  # noqa: F401 - a fixture

pytestmark = pytest.mark.slow


def guide_rows(driver) -> list[str]:
    return [row.text for row in visible(driver, "table.guides tbody tr")]


@pytest.mark.parametrize("width", WIDTHS)
def test_home_filters_the_guide_table(browser, seeded_server, width):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    sized(browser, width)
    browser.get(seeded_server.url + "/")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh"
    everything = guide_rows(browser)
    assert len(everything) == 5
    no_page_overflow(browser)
    screenshot(browser, f"home-{width}")
    Select(browser.find_element(By.NAME, "level")).select_by_value("provincial")
    browser.find_element(By.CSS_SELECTOR, "form.filters button").click()
    wait(browser, lambda d: "level=provincial" in d.current_url)
    provincial = guide_rows(browser)
    assert 0 < len(provincial) < len(everything) and all("省级" in row for row in provincial)
    # sort by directions: a column-header link on a wide screen, the form's own choice on a phone
    if width >= 800:
        browser.find_element(By.LINK_TEXT, "方向").click()
    else:
        Select(browser.find_element(By.NAME, "sort")).select_by_value("directions")
        browser.find_element(By.CSS_SELECTOR, "form.filters button").click()
    wait(browser, lambda d: "sort=directions" in d.current_url)
    counts = [int(row.find_element(By.CSS_SELECTOR, "td:nth-child(6)").get_attribute("textContent")) for row in visible(browser, "table.guides tbody tr")]
    assert counts == sorted(counts, reverse=True)
    screenshot(browser, f"home-filtered-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_guide_outline_expands_and_breadcrumbs_lead_back(browser, seeded_server, width):
    from selenium.webdriver.common.by import By

    sized(browser, width)
    browser.get(seeded_server.url + "/")
    browser.find_element(By.PARTIAL_LINK_TEXT, "国家重点研发计划").click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "section.outline"))
    guide_url = browser.current_url
    assert "/doc/guide/cn/2021/" in guide_url  # followed the 303 from the IRI
    closed = [d for d in visible(browser, "section.outline details") if not d.get_attribute("open")]
    assert closed
    closed[0].find_element(By.TAG_NAME, "summary").click()
    wait(browser, lambda d: closed[0].get_attribute("open"))
    wait(browser, lambda d: d.execute_script("return !!document.querySelector('#funding-chart svg')"))
    screenshot(browser, f"guide-{width}")
    direction = closed[0].find_element(By.CSS_SELECTOR, "li.direction a, li a")
    direction.click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "nav.crumbs"))
    crumbs = browser.find_elements(By.CSS_SELECTOR, "nav.crumbs li a")
    assert len(crumbs) >= 2  # guide › programme › …
    no_page_overflow(browser)
    screenshot(browser, f"direction-{width}")
    crumbs[0].click()
    wait(browser, lambda d: d.current_url == guide_url)


def test_switch_to_english_is_remembered(browser, seeded_server):
    from selenium.webdriver.common.by import By

    sized(browser, 1280)
    browser.get(seeded_server.url + "/")
    browser.find_element(By.CSS_SELECTOR, "header a.lang").click()
    wait(browser, lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en")
    assert "Guides" in browser.page_source and "Catalogue" in browser.page_source
    browser.get(seeded_server.url + "/catalog")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    screenshot(browser, "catalog-en-1280")
