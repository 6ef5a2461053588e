"""The chat as a person uses it: real Chromium, the real app process, the real packaged model."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, free_port, subprocess_env, wait_for_port

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without these, Chromium calls out to Google's hosts; the last one makes any such call fail.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]  # fmt: skip
ARTIFACTS = ROOT / "tests" / "artifacts"
HOSTILE = """---
title: "Harbour <b>news</b>"
source: "Quay Gazette"
---

The lighthouse keeper, Ada Quint, retired after fifty winters at the harbour light.
<script>alert("owned")</script> <img src="http://203.0.113.9/pixel.png"> Visitors brought cake.
"""


@pytest.fixture(scope="module")
def app_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("browser-data")


@pytest.fixture(scope="module")
def app_url(app_data: Path) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Browser tests need Debian's chromium: apt-get install -y chromium")
    port = free_port()
    env = subprocess_env(app_data, RAG_PORT=str(port))
    process = subprocess.Popen(
        [sys.executable, "app.py"], cwd=ROOT, env=env, text=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_ask_click_citation_follow_up_refusal_upload(
    app_url: str, app_data: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    hostile = tmp_path / "harbour.md"
    hostile.write_text(HOSTILE)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        requests: list[str] = []
        dialogs: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(app_url)
        box = page.locator("#question textarea")
        last_answer = page.locator("#chat .bot").last

        def ask(question: str) -> None:
            count = page.locator("#chat .bot").count()
            box.fill(question)
            box.press("Enter")
            expect(page.locator("#chat .bot")).to_have_count(count + 1, timeout=120_000)
            expect(last_answer).not_to_contain_text("Searching the documents", timeout=120_000)

        # An empty question is met by a notice over the page, not only by a line in the
        # Sources pane (two new users took it for a Send that did nothing).
        box.press("Enter")
        notice = page.locator(".toast-body").first
        expect(notice).to_contain_text("Type a question first")
        notice.locator(".toast-close").click()
        expect(page.locator(".toast-body")).to_have_count(0)

        # An example chip asks its question at once.
        page.get_by_role("button", name="What did Volodin claim?").click()
        expect(page.locator("#chat .bot")).to_have_count(1, timeout=120_000)
        expect(last_answer).not_to_contain_text("Searching the documents", timeout=120_000)
        citation = last_answer.locator("a[href='#source-1']")
        expect(citation).to_have_text("[1]")
        citation.click()
        card = page.locator("#card-1")
        expect(card).to_have_class("rag-card rag-active")
        expect(page.locator("#source-1")).to_contain_text("won legitimately")
        expect(page.locator("#source-1")).to_have_class("rag-active")
        # One card per passage: no passage is shown on two cards.
        texts = page.locator("#sources .rag-sources > .rag-card > .rag-passage").all_inner_texts()
        assert len(texts) == len(set(texts))
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "chat.png"))
        card.locator("details.rag-doc summary").click()
        whole = card.locator("details.rag-doc mark")
        expect(whole).to_be_visible()
        expect(whole).to_contain_text("won legitimately")

        # 👎 on the answer goes, with its question and quotes, to the team's review file.
        last_answer_box = page.locator("#chat .message-row").last
        last_answer_box.hover()
        page.locator("#chat").get_by_role("button", name="Dislike").last.click()
        feedback = app_data / "feedback.jsonl"
        for _ in range(50):
            if feedback.is_file() and feedback.read_text().strip():
                break
            page.wait_for_timeout(100)
        row = json.loads(feedback.read_text().splitlines()[-1])
        assert row["liked"] is False and row["question"] == "What did Volodin claim?"

        ask("And Blinken?")
        expect(last_answer).to_contain_text("overwhelming evidence")
        expect(page.locator("#sources")).to_contain_text("Searched for: What did Blinken claim?")

        page.locator("#export").click()
        expect(page.locator("#exported")).to_contain_text("conversation-", timeout=30_000)

        # The conversation survives a page reload, with the last answer's sources.
        page.reload()
        expect(page.locator("#chat .bot")).to_have_count(2, timeout=30_000)
        expect(page.locator("#chat")).to_contain_text("What did Volodin claim?")
        expect(last_answer).to_contain_text("overwhelming evidence")
        expect(page.locator("#sources")).to_contain_text("Searched for: What did Blinken claim?")

        ask("What is the capital of Australia?")
        expect(last_answer).to_contain_text("Not in the documents")
        expect(page.locator("#sources .rag-refusal")).to_be_visible()

        page.get_by_role("tab", name="Documents").click()
        page.locator("#upload input[type=file]").set_input_files(str(hostile))
        page.locator("#add").click()
        expect(page.locator("#upload-status")).to_contain_text(
            "harbour.md: indexed", timeout=120_000
        )
        expect(page.locator("#documents")).to_contain_text("uploads/harbour.md")

        page.get_by_role("tab", name="Chat").click()
        # A question of its own after a refused one is not read as its follow-up.
        ask("Who is the lighthouse keeper who retired?")
        expect(last_answer).to_contain_text("Ada Quint")
        sources = page.locator("#sources")
        expect(sources).to_contain_text("Ada Quint")
        expect(sources).to_contain_text('<script>alert("owned")</script>')  # shown as text
        expect(sources).to_contain_text("Harbour <b>news</b>")
        assert sources.locator("script, img, b").count() == 0

        # Documents: the upload box emptied after indexing; choosing a row shows the
        # document's text (as text), and Summarize gives its central sentences.
        page.get_by_role("tab", name="Documents").click()
        expect(page.locator("#upload")).not_to_contain_text("harbour.md")
        page.locator("#documents").get_by_text("uploads/harbour.md").click()
        expect(page.locator("#delete-id textarea, #delete-id input")).to_have_value(
            "uploads/harbour.md"
        )
        viewer = page.locator("#viewer")
        expect(viewer).to_contain_text("Ada Quint")
        expect(viewer).to_contain_text('<script>alert("owned")</script>')
        assert viewer.locator("script, img").count() == 0
        page.locator("#summarize").click()
        expect(page.locator("#summary")).to_contain_text("Ada Quint", timeout=60_000)
        assert page.locator("#summary a, #summary script, #summary img").count() == 0
        page.screenshot(path=str(ARTIFACTS / "documents.png"))

        # "Ask about this document" scopes the chat to it: the seed article's answer is then
        # out of scope.
        page.locator("#ask-about").click()
        expect(box).to_be_visible()
        expect(page.locator("#scope")).to_contain_text("uploads/harbour.md")
        ask("What did Volodin claim?")
        expect(last_answer).to_contain_text("Not in the documents")
        expect(page.locator("#sources")).not_to_contain_text("won legitimately")
        page.screenshot(path=str(ARTIFACTS / "scope.png"))

        page.get_by_role("tab", name="Documents").click()
        page.locator("#documents").get_by_text("uploads/harbour.md").click()
        # Deleting asks first; nothing is gone until it is confirmed.
        page.get_by_role("button", name="Delete", exact=True).click()
        expect(page.locator("#upload-status")).to_contain_text("Delete uploads/harbour.md")
        expect(page.locator("#documents")).to_contain_text("uploads/harbour.md")
        page.locator("#confirm-delete").click()
        expect(page.locator("#upload-status")).to_contain_text("Deleted uploads/harbour.md")
        expect(page.locator("#confirm-delete")).to_be_hidden()
        expect(page.locator("#documents")).not_to_contain_text("uploads/harbour.md")
        assert dialogs == []
        browser.close()

    hosts = {url.split("/")[2] for url in requests if url.startswith("http")}
    assert hosts == {app_url.removeprefix("http://")}, hosts


def test_a_pdf_citation_opens_its_page_as_printed(app_url: str, tmp_path: Path) -> None:
    import httpx
    from fpdf import FPDF
    from playwright.sync_api import expect, sync_playwright

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 8, "Harbour report, winter edition.")
    pdf.add_page()
    pdf.multi_cell(0, 8, "Ferries. The night ferry to Skarholm was cancelled on 3 March 2025 "
                         "because the harbour froze. The day ferry kept running.")  # fmt: skip
    path = tmp_path / "ferries.pdf"
    pdf.output(str(path))
    with path.open("rb") as file:
        uploaded = httpx.post(f"{app_url}/api/documents", files={"file": file}, timeout=120)
    assert uploaded.status_code == 200, uploaded.text
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(app_url)
        page.locator("#question textarea").fill("When was the night ferry to Skarholm cancelled?")
        page.locator("#question textarea").press("Enter")
        expect(page.locator("#chat .bot").last).to_contain_text("3 March 2025", timeout=120_000)
        folded = page.locator("#sources details.rag-page").first
        expect(folded.locator("summary")).to_have_text("Page 2 as printed")
        folded.locator("summary").click()
        image = folded.locator("img")
        expect(image).to_be_visible()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )
        image.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "pdf-page.png"))
        browser.close()


# WCAG's contrast ratio of an element's text against the page behind it.
CONTRAST = """el => {
  const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = rgb(c).map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  let back = el, bg = "rgba(0, 0, 0, 0)";
  while (back && (bg === "rgba(0, 0, 0, 0)" || bg === "transparent")) {
    bg = getComputedStyle(back).backgroundColor; back = back.parentElement; }
  const [a, b] = [lum(getComputedStyle(el).color), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


def test_on_a_phone_in_dark_mode_the_sources_fold_under_the_answer(app_url: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(
            viewport={"width": 390, "height": 844}, is_mobile=True, color_scheme="dark"
        )
        page.goto(app_url)
        box = page.locator("#question textarea")
        box.fill("What did Volodin claim?")
        box.press("Enter")
        expect(page.locator("#chat .bot").last).to_contain_text("[1]", timeout=120_000)
        chat = page.locator("#chat").bounding_box()
        sources = page.locator("#sources").bounding_box()
        assert chat and sources and sources["y"] >= chat["y"] + chat["height"]
        assert sources["width"] <= 390
        # Nothing wider than the screen: no sideways scrolling.
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
        # The page follows the system's dark mode, and the sources stay readable in it.
        assert "dark" in (page.locator("body").get_attribute("class") or "")
        for text in ("#sources .rag-n", "#sources h4", "#sources .rag-passage", "#sources summary"):
            ratio = page.locator(text).first.evaluate(CONTRAST)
            assert ratio >= 4.5, (text, ratio)
        assert audit(page) == []
        page.screenshot(path=str(ARTIFACTS / "phone-dark.png"), full_page=True)
        # The Documents tab fits the phone's width too; its wide table scrolls inside itself.
        page.get_by_role("tab", name="Documents").click()
        expect(page.locator("#documents")).to_contain_text("russia-venezuela.md")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
        # Every column keeps a readable width (not letters stacked one per line); the table
        # scrolls sideways inside its own box instead.
        widths = page.locator("#documents th").evaluate_all(
            "cells => cells.map(cell => cell.getBoundingClientRect().width)"
        )
        assert len(widths) == 9 and min(widths) >= 60, widths
        table = page.locator("#documents .virtual-table-viewport")
        assert table.evaluate("box => box.scrollWidth > box.clientWidth")
        assert audit(page) == []
        page.screenshot(path=str(ARTIFACTS / "phone-dark-documents.png"), full_page=True)
        browser.close()


def test_a_second_collection_is_chosen_in_the_page(
    app_url: str, app_data: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    memo = tmp_path / "memos" / "orchard.md"
    memo.parent.mkdir()
    memo.write_text("# Orchard memo\n\nThe committee chose Bramley apples for the north row.")
    # A second collection, made by the CLI beside the running app.
    subprocess.run(
        [sys.executable, "-m", "rag", "ingest", str(memo.parent), "--collection", "orchard"],
        cwd=ROOT, env=subprocess_env(app_data), check=True, capture_output=True,
    )  # fmt: skip
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(app_url)  # a collection made after the app started is offered
        chooser = page.locator("#collection")
        expect(chooser).to_be_visible(timeout=30_000)
        chooser.locator("input").click()
        page.get_by_role("option", name="orchard").click()
        box = page.locator("#question textarea")
        box.fill("Which apples did the committee choose?")
        box.press("Enter")
        answer = page.locator("#chat .bot").last
        expect(answer).to_contain_text("Bramley", timeout=120_000)
        # The Documents tab lists the chosen collection's documents, and its search narrows them.
        page.get_by_role("tab", name="Documents").click()
        table = page.locator("#documents")
        expect(table).to_contain_text("orchard.md")
        expect(table).not_to_contain_text("russia-venezuela.md")
        search = page.locator("#document-search textarea, #document-search input").first
        search.fill("no such words")
        expect(table).not_to_contain_text("orchard.md")
        search.fill("ORCHARD memo")
        expect(table).to_contain_text("orchard.md")
        expect(table).to_contain_text("md")
        browser.close()


# Rules about a page's semantics and legibility: WCAG 2.0-2.2 A and AA, and axe's best practices.
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def audit(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not AXE.is_file():
        pytest.fail("The accessibility audit loads axe-core from node_modules: run `npm ci`")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


# The width of lower-case text in the page's typeface at a weight, once its face is loaded.
TEXT_WIDTH = """async weight => {
  const font = `${weight} 20px "Source Sans Pro"`;
  await document.fonts.load(font, "dd to the index");
  const context = document.createElement("canvas").getContext("2d");
  context.font = font;
  return context.measureText("dd to the index").width;
}"""


def test_chat_and_documents_pass_an_accessibility_audit(app_url: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(app_url)
        box = page.locator("#question textarea")
        box.fill("What did Volodin claim?")
        box.press("Enter")
        expect(page.locator("#chat .bot").last).to_contain_text("[1]", timeout=120_000)
        assert audit(page) == []
        # Buttons' bold lower case comes from a bold face: Gradio's semi-bold file holds only
        # capitals, and "Add" once mixed a bold "A" with regular letters thickened.
        assert page.evaluate(TEXT_WIDTH, 600) > page.evaluate(TEXT_WIDTH, 400) + 3
        # By keyboard alone: Tab (backwards, from the question box) reaches a citation, and
        # Enter opens its card.
        box.focus()
        for _ in range(40):
            page.keyboard.press("Shift+Tab")
            if page.evaluate("document.activeElement.matches('a[href^=\"#source-\"]')"):
                break
        else:
            pytest.fail("Tab never reached a citation")
        page.keyboard.press("Enter")
        expect(page.locator("#sources .rag-card.rag-active")).to_have_count(1)
        page.get_by_role("tab", name="Documents").click()
        expect(page.locator("#documents")).to_be_visible()
        assert audit(page) == []
        browser.close()
