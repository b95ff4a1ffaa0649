"""The HTML batch report: escaping and content checked on the markup, then the page run in Chromium."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import re
import shutil
import stat
import struct
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import lxml.html
import pytest

from converter.batch.page import COLUMNS, PAGE_SIZE, render_html, write_html_report
from converter.errors import ConverterError
from converter.pipeline import convert_record
from converter.records import read_record
from converter.render import render_svg

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
)
SCRIPT_TITLE = "<script>window.__pwned=1</script>"
DOI = "https://doi.org/10.14336/AD.2023.0515"
IMG_TITLE = "<img src=x onerror=window.__pwned=1> & </script><script>window.__pwned=1</script>"


def entry(figid: str, status: str = "converted", **fields: Any) -> dict[str, Any]:
    """One figure of a batch report, in the shape ``batch`` writes to report.json."""
    failed = status == "failed"
    return {
        "figid": figid,
        "source": f"records/{figid}.md",
        "status": status,
        "error": "",
        "title": f"Figure {figid}",
        "organism": "" if failed else "Homo sapiens",
        "genes": 0,
        "chemicals": 0,
        "diseases": 0,
        "mapped": 0,
        "unmapped": 0,
        "validation": "" if failed else "valid",
        "warnings": 0,
        "output": "" if failed else f"{figid}.gpml",
        "preview": "" if failed else f"previews/{figid}.svg",
        "pfocr_url": f"https://pfocr.wikipathways.org/figures/{figid}.html",
        "paper_url": "",
        **fields,
    }


def make_report(figures: list[dict[str, Any]], **totals: Any) -> dict[str, Any]:
    """A whole batch report around the figures; totals counted from them unless given."""
    counted = Counter(f["status"] for f in figures)
    return {
        "tool": "pfocr2gpml 0.1.0",
        "source": "records",
        "finished": "2026-11-25T13:00:00Z",
        "totals": {
            "inputs": len(figures),
            **{s: counted[s] for s in ("converted", "failed", "skipped")},
            "unmapped_terms": sum(f["unmapped"] for f in figures),
            "seconds": 0.5,
            "records_per_second": 6.0,
            **totals,
        },
        "figures": figures,
    }


def embedded(doc: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    """The figure list embedded in the page, as dicts with the coded columns decoded."""
    data = json.loads(doc.get_element_by_id("figure-data").text)
    figures = [dict(zip(data["columns"], row, strict=True)) for row in data["rows"]]
    for figure in figures:
        figure.update({name: values[figure[name]] for name, values in data["codes"].items()})
    return figures


def _between(text: str, start: str, end: str) -> str:
    return text.split(start, 1)[1].split(end, 1)[0]


# --- the markup ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile() -> str:
    """A page whose untrusted text tries every way out of its context."""
    figures = [
        entry("PMC1__a", title=SCRIPT_TITLE, genes=5, chemicals=2, mapped=6, unmapped=1, paper_url=DOI),
        entry("PMC2__b", title=IMG_TITLE, organism="Mus <musculus>", paper_url="javascript:window.__pwned=1"),
        entry("PMC3__c", "failed", error="records/PMC3__c.md: no terms </script><b>bold</b>"),
        entry("PMC4__d", "failed", error="records/PMC4__d.md: not UTF-8", pfocr_url="data:text/html,x"),
        entry("PMC5__e", "skipped", output="/etc/passwd", preview="javascript:alert(1)"),
        entry("PMC6 f#1", "skipped", output="../PMC6 f#1.gpml", preview="previews/PMC6 f#1.svg"),
    ]
    return render_html(make_report(figures))


def test_page_parses_and_shows_the_totals(hostile: str) -> None:
    doc = lxml.html.document_fromstring(hostile)
    tiles = doc.xpath("//dl[@id='totals']/div")
    totals = {tile.findtext("dt"): tile.findtext("dd") for tile in tiles}
    assert totals == {
        "Inputs": "6",
        "Drafts in this folder": "4",  # converted or unchanged (skipped) drafts: what the folder holds
        "Failed": "2",
        "Unmapped terms": "1",
        "Seconds": "0.5",
        "Records / s": "6",
    }
    run = doc.xpath("//dl[@id='totals']/div[@class='converted']/small")[0].text_content()
    assert run == "this run: 2 converted, 2 unchanged"
    assert doc.findtext(".//title") == "PFOCR drafts · 6 figures"


def test_untrusted_text_stays_text(hostile: str) -> None:
    doc = lxml.html.document_fromstring(hostile)
    scripts = doc.findall(".//script")
    assert [s.get("type") for s in scripts] == ["application/json", None], "only the page's own two scripts"
    assert not doc.xpath("//@*[starts-with(name(), 'on')]"), "no event-handler attributes anywhere"
    assert not doc.xpath("//b"), "an error's markup is shown as text"
    raw_json = _between(hostile, '<script type="application/json" id="figure-data">', "</script>")
    assert "<" not in raw_json and ">" not in raw_json and "&" not in raw_json
    titles = [f["title"] for f in embedded(doc)]
    assert titles[:2] == [SCRIPT_TITLE, IMG_TITLE], "the JSON holds the titles exactly, escaped"
    assert "Mus <musculus> (1)" in [o.text_content() for o in doc.xpath("//select[@id='organism']/option")]


def test_links_are_only_web_links_or_paths_in_the_folder(hostile: str) -> None:
    figures = {f["figid"]: f for f in embedded(lxml.html.document_fromstring(hostile))}
    assert figures["PMC2__b"]["paper_url"] == "", "a javascript: URL never becomes a link"
    assert figures["PMC4__d"]["pfocr_url"] == ""
    assert figures["PMC5__e"]["output"] == figures["PMC5__e"]["preview"] == ""
    assert figures["PMC6 f#1"]["output"] == "", "nothing outside the report's folder"
    assert figures["PMC6 f#1"]["preview"] is None, "the usual path, encoded by the script as by quote()"
    usual = figures["PMC1__a"]
    assert usual["output"] is usual["preview"] is usual["pfocr_url"] is None, "usual links left to the script"
    assert usual["paper_url"] == "doi:10.14336/AD.2023.0515"


def test_failures_are_listed_with_their_reasons(hostile: str) -> None:
    doc = lxml.html.document_fromstring(hostile)
    rows = [
        [td.text_content() for td in tr.findall("td")]
        for tr in doc.xpath("//section[@id='failures']//tbody/tr")
    ]
    assert rows == [
        ["PMC3__c", "records/PMC3__c.md", "records/PMC3__c.md: no terms </script><b>bold</b>"],
        ["PMC4__d", "records/PMC4__d.md", "records/PMC4__d.md: not UTF-8"],
    ]
    assert doc.xpath("//section[@id='failures']/h2")[0].text_content() == "Failures (2)"


def test_only_the_pages_own_script_may_run(hostile: str) -> None:
    doc = lxml.html.document_fromstring(hostile)
    policy = doc.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    script = _between(hostile, "<script>", "</script>")
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy
    assert "default-src 'none'" in policy
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", hostile), "nothing is fetched from other sites"


def test_columns_and_empty_report() -> None:
    doc = lxml.html.document_fromstring(render_html({"figures": []}))
    assert json.loads(doc.get_element_by_id("figure-data").text)["columns"] == list(COLUMNS)
    assert doc.xpath("//section[@id='failures']/p")[0].text_content().startswith("None")


def test_write_is_atomic_and_readable(tmp_path: Path) -> None:
    path = write_html_report(tmp_path, make_report([entry("PMC1__a")]))
    assert path == tmp_path / "index.html"
    assert [p.name for p in tmp_path.iterdir()] == ["index.html"], "no temporary file left behind"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert lxml.html.parse(str(path)).getroot().get("lang") == "en"


# --- the page in a browser -------------------------------------------------------------------------


def _converted(path: Path, outdir: Path) -> dict[str, Any]:
    """Convert one real record into outdir (GPML and preview) and describe it as batch would."""
    conversion = convert_record(path, outdir)
    (outdir / "previews" / f"{conversion.figid}.svg").write_bytes(render_svg(conversion.output))
    record = read_record(path)
    return entry(
        conversion.figid,
        source=str(path),
        title=record.title,
        organism=conversion.organism,
        genes=conversion.genes,
        chemicals=conversion.chemicals,
        diseases=conversion.diseases,
        mapped=conversion.mapped,
        unmapped=len(conversion.unmapped),
        validation="warnings" if conversion.warnings else "valid",
        warnings=len(conversion.warnings),
        output=conversion.output.name,
        paper_url=f"https://doi.org/{record.doi}" if record.doi else "",
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> dict[str, Any]:
    """A real OUTDIR: samples and some corpus records converted and drawn, a failure, a hostile title,
    and enough unchanged (skipped) small figures to need a second page. Returns the report."""
    outdir = tmp_path_factory.mktemp("batch")
    (outdir / "previews").mkdir()
    records = sorted(SAMPLES.glob("PMC*.md"))
    with contextlib.suppress(pytest.skip.Exception):  # the corpus is optional: the samples make a page
        records += sorted((request.getfixturevalue("pfocr_dir") / "_figures").glob("*.md"))[:9]
    figures = []
    for path in records:
        try:
            figures.append(_converted(path, outdir))
        except ConverterError as exc:
            figures.append(entry(path.stem, "failed", source=str(path), error=str(exc)))
    small = sorted(
        (f for f in figures if f["status"] == "converted"), key=lambda f: f["genes"] + f["chemicals"]
    )
    figures.append(entry("PMC0__broken", "failed", error="records/PMC0__broken.md: line 3: not YAML"))
    figures.append(entry("PMC0__evil", title=SCRIPT_TITLE + IMG_TITLE, genes=1, preview="", output=""))
    for n in range(PAGE_SIZE + 5 - len(figures)):
        figid, model = f"PMC9{n:03d}__copy", small[n % 3]
        shutil.copy(outdir / model["output"], outdir / f"{figid}.gpml")
        copy = entry(figid, "skipped", preview=model["preview"])  # keeps its own figid, GPML and PFOCR link
        figures.append({**model, **{key: copy[key] for key in ("figid", "status", "output", "pfocr_url")}})
    for i, figure in enumerate(f for f in figures if f["status"] != "failed"):  # as batch --wikipathways
        if i == 4:
            continue  # one figure the run did not relate
        title = SCRIPT_TITLE if i == 1 else f"Pathway {i}"
        p_value = 1e-5 if i == 0 else 10.0 ** -(i % 4 + 2)
        match = {"wpid": f"WP{100 + i}", "title": title, "shared": 3, "size": 40, "p_value": p_value}
        share = 0.8 if i % 3 == 0 else 0.2 + (i % 5) / 20
        figure.update(related=[match], best_share=share, best_p_value=p_value)
    report = make_report(figures)
    write_html_report(outdir, report)
    return {"outdir": outdir, "report": report}


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless Chromium through chromedriver, console logs kept; skipped when either is missing."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("no chromium/chromedriver: apt-get install -y chromium chromium-driver (.ci/run does)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()


CARDS_JS = """return [...document.querySelectorAll('#cards .card')].map(c => ({
    figid: c.dataset.figid, status: c.dataset.status, organism: c.dataset.organism, size: +c.dataset.size,
    title: c.querySelector('h3').textContent,
    links: [...c.querySelectorAll('.links a:not([hidden])')].map(a => [a.textContent, a.href])}));"""


def _cards(driver: Any) -> list[dict[str, Any]]:
    return list(driver.execute_script(CARDS_JS))


def _choose(driver: Any, control: str, value: str) -> list[dict[str, Any]]:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(By.ID, control)).select_by_value(value)
    return _cards(driver)


def _previews_load(driver: Any) -> int:
    """Bring each preview on the page into view (they load lazily), wait for it; returns how many loaded."""
    from selenium.webdriver.support.ui import WebDriverWait

    images = driver.execute_script("return [...document.querySelectorAll('#cards img')];")
    for image in images:
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", image)
        WebDriverWait(driver, 10).until(
            lambda d, i=image: d.execute_script("return arguments[0].complete", i)
        )
        assert driver.execute_script("return arguments[0].naturalWidth", image) > 0, image.get_attribute(
            "src"
        )
    return len(images)


def _requested(driver: Any, page: str) -> set[str]:
    """Every URL the page asked for (the log also holds the browser's own new-tab page: left out)."""
    messages = (json.loads(entry["message"])["message"] for entry in driver.get_log("performance"))
    return {
        message["params"]["request"]["url"]
        for message in messages
        if message["method"] == "Network.requestWillBeSent"
        and message["params"].get("documentURL", "").startswith(page)
    }


def _not_blank(png: bytes) -> bool:
    """Decode enough of a PNG (stdlib only) to tell a drawn page from an empty one."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    chunks, at = [], 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        chunks.append((png[at + 4 : at + 8], png[at + 8 : at + 8 + length]))
        at += 12 + length
    width, height = struct.unpack(">II", chunks[0][1][:8])
    pixels = zlib.decompress(b"".join(data for kind, data in chunks if kind == b"IDAT"))
    # Rows start with a filter byte; a blank or one-colour image leaves only a handful of byte values.
    return width >= 1000 and height >= 600 and len(set(pixels)) > 64


def test_page_in_headless_chromium(browser: Any, site: dict[str, Any], tmp_path: Path) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    driver, figures, outdir = browser, site["report"]["figures"], site["outdir"]
    page = (outdir / "index.html").as_uri()
    driver.get(page)
    WebDriverWait(driver, 10).until(
        lambda d: d.execute_script("return !document.getElementById('browse').hidden")
    )

    cards = _cards(driver)
    assert len(cards) == PAGE_SIZE < len(figures), "one full page of cards"
    assert [c["size"] for c in cards] == sorted((c["size"] for c in cards), reverse=True), "largest first"
    on_page = {c["figid"] for c in cards}
    assert _previews_load(driver) == sum(1 for f in figures if f["preview"] and f["figid"] in on_page)
    for card in cards:
        links = dict(card["links"])
        assert (outdir / Path(links["GPML"].removeprefix("file://")).name).is_file()
        assert links["PFOCR figure"] == f"https://pfocr.wikipathways.org/figures/{card['figid']}.html"
        assert links.get("Paper", "https://doi.org/").startswith("https://doi.org/")
    driver.execute_script("document.getElementById('next').click();")
    assert len(_cards(driver)) == len(figures) - PAGE_SIZE, "the rest on page two"

    failed = _choose(driver, "status", "status:failed")
    assert {c["status"] for c in failed} == {"failed"}
    assert sorted(c["figid"] for c in failed) == sorted(
        f["figid"] for f in figures if f["status"] == "failed"
    )
    assert len(_choose(driver, "status", "status:skipped")) == sum(f["status"] == "skipped" for f in figures)
    _choose(driver, "status", "")

    organisms = Counter(f["organism"] for f in figures)
    name = min((o for o in organisms if o), key=lambda o: (organisms[o], o))
    option = (
        "return [...document.querySelectorAll('#organism option')].find(o => o.text.startsWith(arguments[0]))"
    )
    chosen = _choose(driver, "organism", driver.execute_script(option + ".value", name))
    assert len(chosen) == organisms[name] < len(figures) and {c["organism"] for c in chosen} == {name}
    _choose(driver, "organism", "")

    new = _choose(driver, "status", "novelty:new")
    expected = [f for f in figures if f.get("related") is not None and f["best_share"] <= 0.5]
    assert len(new) == min(len(expected), PAGE_SIZE) and len(expected) < len(figures)
    related = driver.execute_script(
        "return [...document.querySelectorAll('.related a')].map(a => [a.href, a.textContent])"
    )
    assert related and all(
        re.fullmatch(r"https://www\.wikipathways\.org/pathways/WP\d+\.html", href) for href, _ in related
    )
    _choose(driver, "status", "")
    shares = driver.execute_script("return [...document.querySelectorAll('#sort option')].map(o => o.value)")
    assert "novelty" in shares
    novel = [c["figid"] for c in _choose(driver, "sort", "novelty")]
    related = [
        (i, f) for i, f in enumerate(figures) if f.get("related") is not None and f["status"] != "failed"
    ]
    least_shared = sorted(
        related, key=lambda item: (item[1]["best_share"], -item[1]["best_p_value"], item[0])
    )
    unrelated = [f for f in figures if f.get("related") is None or f["status"] == "failed"]
    assert novel == [f["figid"] for _, f in least_shared + [(0, f) for f in unrelated]][:PAGE_SIZE]
    first = driver.execute_script("return document.querySelector('#cards .card .related span').textContent")
    assert first.startswith(" — 3 of 40 genes shared, p ")
    assert float(first.rsplit(" p ", 1)[1]) == pytest.approx(least_shared[0][1]["best_p_value"], rel=0.05)
    notes = driver.execute_script(
        "return [...document.querySelectorAll('#cards .related span')].map(s => s.textContent)"
    )
    assert any(n.endswith(" p 1.0e-4") for n in notes) and any(n.endswith(" p 0.010") for n in notes)
    assert driver.execute_script("return window.__pwned") is None

    ascending = [c["size"] for c in _choose(driver, "sort", "size-asc")]
    assert ascending == sorted(ascending) and ascending[0] == 0

    evil = [c for c in _cards(driver) if c["figid"] == "PMC0__evil"]
    assert evil and evil[0]["title"] == SCRIPT_TITLE + IMG_TITLE, "the hostile title is shown as text"
    assert driver.execute_script("return window.__pwned") is None
    tricky = "PMC1 a#b?c%d&e'f(g)h*i!j~k+l/m:n;o=p@q[r]s,t$u\u03b1"
    encoded = driver.execute_script("return encodeURIComponent(arguments[0])", tricky)
    assert encoded == quote(tricky, safe="!*'()"), (
        "the script derives the links the report left out as Python would"
    )
    requested = _requested(driver, page)
    assert page in requested and all(url.startswith("file://") for url in requested), requested
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors

    _choose(driver, "sort", "size-desc")
    driver.execute_script("document.activeElement.blur(); window.scrollTo(0, 0);")
    shot = tmp_path / "index.png"
    assert driver.save_screenshot(str(shot))
    assert _not_blank(shot.read_bytes()), f"the screenshot {shot} looks blank"


def test_rows_written_in_batches_all_there_in_order() -> None:
    figures = [entry(f"PMC{i}__x", status=("converted", "failed")[i % 2]) for i in range(2_345)]
    page = lxml.html.document_fromstring(render_html(make_report(figures)))
    assert [f["figid"] for f in embedded(page)] == [f["figid"] for f in figures]
    one_shot = lxml.html.document_fromstring(render_html(make_report(figures) | {"figures": iter(figures)}))
    assert embedded(one_shot) == embedded(page)  # a one-shot iterator is read once, kept, then written


def test_after_a_resume_the_header_counts_the_drafts_in_the_folder() -> None:
    """A resumed run converts nothing new: the header still shows the folder's drafts and unmapped terms."""
    figures = [entry(f"PMC{i}__f", "skipped", genes=3, mapped=2, unmapped=2) for i in range(5)]
    report = make_report(figures)
    report["totals"].update(converted=0, skipped=5, unmapped_terms=0)
    doc = lxml.html.document_fromstring(render_html(report))
    tiles = {tile.findtext("dt"): tile.findtext("dd") for tile in doc.xpath("//dl[@id='totals']/div")}
    assert tiles["Drafts in this folder"] == "5" and tiles["Unmapped terms"] == "10"


def test_cards_carry_the_unmapped_words_and_warnings_as_text() -> None:
    figures = [
        entry("PMC1__a", unmapped=1, unmapped_terms="<b>ROS</b>: common non-gene word (chemical)",
              warning_texts="annotated-nodes: only 0 of 6 DataNodes (0%) have a database identifier"),
    ]  # fmt: skip
    page = render_html(make_report(figures))
    rows = json.loads(lxml.html.document_fromstring(page).get_element_by_id("figure-data").text)["rows"]
    columns = json.loads(lxml.html.document_fromstring(page).get_element_by_id("figure-data").text)["columns"]
    row = dict(zip(columns, rows[0], strict=True))
    assert row["unmapped_terms"] == "<b>ROS</b>: common non-gene word (chemical)"
    assert row["warning_texts"].startswith("annotated-nodes: only 0 of 6")
    assert "<b>ROS</b>" not in page  # in the embedded JSON, escaped; the script puts it as text
