"""End-to-end: upload an export on the Data page in a real browser and watch the rebuild.

A headless Chromium (Debian's, driven by Playwright) picks a file in ``st.file_uploader``,
checks the preview, confirms, and waits until the page reports the finished build; the
new warehouse then holds the uploaded PV. Runs on its own small zone (the ETL fixtures) in
``tmp_path``: nothing of the session's demo warehouse or ``data/`` is touched.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import CHROMIUM, REPO, SCREENSHOTS, streamlit_server  # noqa: F401

pytestmark = pytest.mark.e2e


FIXTURES = REPO / "tests" / "fixtures"
NEW_PV = "LE.55.L7.088888/2024"
UPLOAD = (
    "PV-nummer;Datum feit;Einddatum feit;Registratiedatum;Categorie;Straat;Huisnr;Postcode;"
    "Gemeente;X;Y\n"
    f"{NEW_PV};05/03/2024 22:15;;06/03/2024 08:00;Vandalisme;Kerkstraat;14;3020;Herent;171100;177050\n"
    ";05/03/2024 22:15;;06/03/2024 08:00;Vandalisme;Kerkstraat;16;3020;Herent;171100;177050\n"
)


@pytest.fixture
def small_server(tmp_path):
    """``streamlit run`` on a small zone with its own raw, warehouse and state folders."""
    from etl.build import build_warehouse

    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "raw_small", raw)
    warehouse = tmp_path / "wh.duckdb"
    zone = FIXTURES / "zone_small.toml"
    build_warehouse(raw, warehouse, zone, echo=lambda *_: None)
    state = tmp_path / "state"
    env = {
        "WIJKBEELD_RAW": str(raw),
        "WIJKBEELD_WAREHOUSE": str(warehouse),
        "WIJKBEELD_STATE": str(state),
        "WIJKBEELD_ZONE": str(zone),
        "WIJKBEELD_AUTH_MODE": "none",
        "WIJKBEELD_DEMO": "1",
    }
    with streamlit_server(env) as url:
        yield {"url": url, "raw": raw, "warehouse": warehouse, "tmp": tmp_path}


def _count_pv(warehouse: Path) -> int:
    # Another process: the file on disk as it is now.
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
            "print(c.execute('SELECT count(*) FROM marts.incidents WHERE pv_number = ?', "
            "[sys.argv[2]]).fetchone()[0])",
            str(warehouse),
            NEW_PV,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout)


def test_upload_preview_confirm_and_rebuild(small_server):
    if CHROMIUM is None:
        pytest.skip("Debian's chromium ontbreekt (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    upload = small_server["tmp"] / "nieuwe_feiten.csv"
    upload.write_text(UPLOAD, encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 4000})
        page.goto(small_server["url"] + "/data", wait_until="domcontentloaded")
        page.get_by_role("heading", name="Bestand toevoegen").wait_for(timeout=60_000)
        # The uploader speaks Dutch: Streamlit's "Upload" and "200MB per file" are hidden
        # (font size 0) and Dutch text drawn in their place. (The heading is drawn before
        # the uploader: wait for its parts.)
        for part in (
            '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p',
            '[data-testid="stFileUploaderDropzoneInstructions"] span',
        ):
            page.locator(part).first.wait_for(timeout=60_000)
        shown = page.evaluate(
            """() => [
                '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p',
                '[data-testid="stFileUploaderDropzoneInstructions"] span',
            ].map(sel => {
                const el = document.querySelector(sel);
                return [getComputedStyle(el).fontSize, getComputedStyle(el, '::after').content];
            })"""
        )
        assert shown == [
            ["0px", '"Bestand kiezen"'],
            ["0px", '"of sleep het bestand hierheen"'],
        ], shown
        page.locator("input[type=file]").set_input_files(str(upload))
        page.get_by_text("Aanvaarde rijen").wait_for(timeout=60_000)
        # Table cells are drawn on a canvas; the counts are plain text.
        texts = [m.inner_text().split("\n") for m in page.locator('[data-testid="stMetric"]').all()]
        metrics = {lines[0].strip(): lines[-1].strip() for lines in texts}
        assert metrics["Rijen in het bestand"] == "2", metrics
        assert (metrics["Aanvaard"], metrics["Geweigerd"]) == ("1", "1"), metrics
        page.get_by_role("button", name="Bestand toevoegen en warehouse opnieuw opbouwen").click()
        page.get_by_text("Bewaard als").wait_for(timeout=30_000)
        # The status block polls the build and reruns the page when it is done.
        page.get_by_text("Laatste bouw geslaagd").wait_for(timeout=120_000)
        page.wait_for_timeout(1000)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "data_upload.png"), full_page=True)
        assert page.locator("text=Traceback").count() == 0
        browser.close()
    stored = small_server["raw"] / "incidents" / "nieuwe_feiten.csv"
    assert stored.read_text(encoding="utf-8") == UPLOAD
    assert _count_pv(small_server["warehouse"]) == 1
