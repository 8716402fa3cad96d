"""The person downloads their receipt from their decision's page, and the association's
standalone script, run with nothing of Explicite installed, verifies it against the checkpoint
the log publishes."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.browser.conftest import ROOT, ExpliciteServer
from tests.browser.steps import expect_text
from tests.browser.test_journeys import open_decision

ADMINISTRATION = "ville-exemple"


def test_person_downloads_a_receipt_that_the_standalone_script_verifies(
    server: ExpliciteServer, new_journey: Any, tmp_path: Path
) -> None:
    demo = server.fresh_demo()
    journey = new_journey("recu")
    page = journey.page
    open_decision(journey, server, demo)
    expect_text(page, "La preuve que votre décision est enregistrée")
    page.locator("#recu").scroll_into_view_if_needed()
    journey.check("explication-recu")

    # The checkpoint that covers the decision is signed within seconds in the embedded mode.
    proof = f"/api/v1/log/{ADMINISTRATION}/proof/{demo.reference}"
    deadline = time.monotonic() + 60
    while page.request.get(server.url(proof)).status != 200:
        assert time.monotonic() < deadline, "the receipt never became ready"
        time.sleep(1)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le reçu").click()
    receipt = tmp_path / download.value.suggested_filename
    download.value.save_as(receipt)
    assert receipt.name == f"recu-{demo.reference}.json"
    fingerprint = page.locator("#recu strong").inner_text()
    journey.assert_clean()

    script = tmp_path / "verifier-recu.py"
    script.write_text((ROOT / "tools" / "verifier-recu.py").read_text())
    key = page.request.get(server.url(f"/api/v1/log/{ADMINISTRATION}/key")).text().strip()
    checkpoint = server.url(f"/api/v1/log/{ADMINISTRATION}/checkpoint")
    result = subprocess.run(
        [
            sys.executable,
            "-I",
            str(script),
            str(receipt),
            "--cle",
            key,
            "--point-de-controle",
            checkpoint,
        ],
        cwd=tmp_path,
        env={},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"référence {demo.reference}" in result.stdout
    assert fingerprint in result.stdout  # the page's fingerprint is the receipt's
    assert "prolonge celui du reçu" in result.stdout
