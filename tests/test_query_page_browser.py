"""The query pages in real headless Chromium (Selenium): the editor runs an example and shows its table,
syntax errors read in words, a canned query's form changes the rows. Screenshots go to test-artefacts/;
any browser console error fails the test."""

from __future__ import annotations

import json
import urllib.parse

import pytest

from conftest import send
from guidegraph.queries import load_queries
from browser import WIDTHS, browser, no_page_overflow, screenshot, sized, visible, wait  # noqa: F401 - fixtures and helpers
from seeded_server import seeded_server  # noqa: F401 - a fixture

pytestmark = pytest.mark.slow

def result_rows(driver) -> list[list[str]]:
    return driver.execute_script(
        "var p = document.querySelector('.tabPanel.active');"
        "return Array.from(p.querySelectorAll('.yasr table.dataTable tbody tr')).map("
        "  function (tr) { return Array.from(tr.querySelectorAll('td')).map(function (td) { return td.textContent; }); });"
    )


def run_in_editor(driver):
    visible(driver, ".tabPanel.active .yasqe_queryButton")[0].click()
    wait(driver, lambda d: visible(d, ".tabPanel.active .yasr_response_chip, .tabPanel.active .yasr .errorResult"))


@pytest.mark.parametrize("width", WIDTHS)
def test_the_editor_runs_an_example_and_shows_the_table(seeded_server, browser, width):
    api = json.loads(send("GET", seeded_server.url + "/api/queries/deadlines.json").body)
    sized(browser, width)
    browser.get(seeded_server.url + "/query")
    wait(browser, lambda d: visible(d, ".tabPanel.active .CodeMirror"))
    assert browser.title.startswith("SPARQL 查询编辑器")
    button = visible(browser, "[data-example=deadlines]")[0]
    assert button.text == "各指南的截止时间"
    if width >= 1000:
        from selenium.webdriver.common.keys import Keys

        button.send_keys(Keys.ENTER)  # the examples work from the keyboard
    else:
        button.click()
    wait(browser, lambda d: "各指南的截止时间" in d.find_element("css selector", ".tabsList .tab.active").text)
    run_in_editor(browser)
    wait(browser, lambda d: len(result_rows(d)) > 0)
    rows = result_rows(browser)
    assert len(rows) == min(len(api["rows"]), 50)  # YASR pages by 50
    # YASR writes terms in N-Triples style: "label"@zh, <iri>
    first = [cell for cell in api["rows"][0] if cell]
    assert all(any(cell["value"] in text for text in rows[0]) for cell in first), (rows[0], first)
    no_page_overflow(browser)
    # everything the page loaded or fetched came from this server
    loaded = browser.execute_script("return performance.getEntriesByType('resource').map(function (e) { return e.name; })")
    assert loaded and all(url.startswith(seeded_server.url + "/") or url.startswith("data:") for url in loaded), loaded
    screenshot(browser, f"query-editor-{width}")


def test_a_syntax_error_reads_in_words_in_the_editor(seeded_server, browser):
    sized(browser, 1280)
    browser.get(seeded_server.url + "/query")
    wait(browser, lambda d: visible(d, ".tabPanel.active .CodeMirror"))
    browser.execute_script("document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.setValue(arguments[0])",
                           "SELECT * WHERE { ?s ?p ?o } LIMIT x")
    run_in_editor(browser)
    message = wait(browser, lambda d: visible(d, ".tabPanel.active .yasr .errorResult"))[0].text
    assert "line 1, column 35: expected HAVING, OFFSET, OPTIONAL, VALUES or a digit" in message
    screenshot(browser, "query-editor-syntax-error")
    # the 400 the endpoint answered is the error shown, not a console error: drop it from the log
    logged = browser.get_log("browser")
    assert all("status of 400" in entry["message"] for entry in logged if entry["level"] == "SEVERE")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_canned_query_form_changes_the_rows(seeded_server, browser, width):
    from selenium.webdriver.common.by import By

    sized(browser, width)
    browser.get(seeded_server.url + "/queries/clinical_case_thresholds")
    assert browser.find_element(By.TAG_NAME, "h1").text == "要求至少N例临床病例的研究方向"
    before = browser.find_elements(By.CSS_SELECTOR, "#results tbody tr")
    assert len(before) > 1
    field = browser.find_element(By.ID, "param-min_cases")
    assert field.get_attribute("value") == "500"
    field.clear()
    field.send_keys("100000")
    browser.find_element(By.CSS_SELECTOR, "form.parameters button[type=submit]").click()
    wait(browser, lambda d: "min_cases=100000" in d.current_url)
    after = browser.find_elements(By.CSS_SELECTOR, "#results tbody tr")
    assert len(after) == 1 and "300000" in after[0].text  # 002 L4820: 30万例以上
    assert browser.find_element(By.ID, "param-min_cases").get_attribute("value") == "100000"
    link = after[0].find_element(By.CSS_SELECTOR, "td a")
    assert urllib.parse.urlsplit(link.get_attribute("href")).path.startswith("/id/guide/")
    no_page_overflow(browser)
    screenshot(browser, f"canned-query-{width}")


def test_a_canned_query_opens_in_the_editor_with_its_values(seeded_server, browser):
    from selenium.webdriver.common.by import By

    sized(browser, 1280)
    browser.get(seeded_server.url + "/queries/topic_search?topic=" + urllib.parse.quote("病毒"))
    browser.find_element(By.LINK_TEXT, "在查询编辑器中打开").click()
    wait(browser, lambda d: visible(d, ".tabPanel.active .CodeMirror"))
    text = browser.execute_script("return document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.getValue()")
    assert 'VALUES ?topic { "病毒" }' in text and "CAR-T" not in text.split("# param")[1].split("\n", 1)[1]
    run_in_editor(browser)
    wait(browser, lambda d: len(result_rows(d)) > 0)
    assert any("病毒" in cell for row in result_rows(browser) for cell in row)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_index_leads_to_every_query_in_either_language(seeded_server, browser, width):
    from selenium.webdriver.common.by import By

    sized(browser, width)
    browser.get(seeded_server.url + "/queries/")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh"
    links = browser.find_elements(By.CSS_SELECTOR, ".query-list td:first-child a")
    assert [link.text for link in links] == [q.title_zh for q in load_queries()]
    no_page_overflow(browser)
    screenshot(browser, f"canned-index-{width}")
    browser.find_element(By.LINK_TEXT, "English").click()
    wait(browser, lambda d: d.find_element(By.TAG_NAME, "h1").text == "Canned queries")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    links = browser.find_elements(By.CSS_SELECTOR, ".query-list td:first-child a")
    assert [link.text for link in links] == [q.title for q in load_queries()]
    links[2].click()  # the choice is remembered on the next page
    wait(browser, lambda d: d.find_element(By.TAG_NAME, "h1").text == "Directions requiring at least N clinical cases")
    screenshot(browser, f"canned-query-english-{width}")
