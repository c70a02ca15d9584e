"""The docs page renders Swagger UI from our own static files under the strict CSP."""

import pytest

pytestmark = pytest.mark.browser


def test_docs_page_renders_with_no_csp_error(cast, browser_page):
    page = browser_page
    page.login(cast.am)  # (the other pages have no favicon: watch only the docs page)
    problems = []
    page.on(
        "console",
        lambda msg: problems.append(msg.text) if msg.type in ("error", "warning") else None,
    )
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto(page.base + "/api/docs/")
    # Swagger UI fetched the schema (session auth) and drew the operations.
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Agency API" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector("text=/api/v1/clients/")
    page.shot("api-docs")
    csp = [p for p in problems if "Content Security Policy" in p or "Refused to" in p]
    assert csp == []
    assert problems == []


def test_docs_page_needs_a_login(db, browser_page):
    page = browser_page
    page.goto(page.base + "/api/docs/")
    assert "/login/" in page.url
