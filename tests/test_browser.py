"""The HTML report rendered in a real headless browser (Debian's chromium)."""

import shutil
import subprocess

import pytest
from conftest import IN_CI, ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.mark.slow
def test_html_report_renders_in_chromium(run, tmp_path):
    if CHROMIUM is None:
        if IN_CI:
            pytest.fail("chromium is missing: .ci/run installs it (apt-get install chromium)")
        pytest.skip("chromium not installed")
    html = tmp_path / "report.html"
    assert (
        run("report", ROOT / "examples" / "two-weeks.csv", "--sex", "female", "--age", "34", "-o", html).exit_code == 0
    )
    profile = tmp_path / "profile"
    dom = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", html.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Week 2026-W46" in dom.stdout and "Calcium" in dom.stdout and "<svg" in dom.stdout
    shot = tmp_path / "report.png"
    subprocess.run(
        [
            CHROMIUM,
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--screenshot={shot}",
            "--window-size=1000,1400",
            html.as_uri(),
        ],
        capture_output=True,
        timeout=120,
    )
    assert shot.exists() and shot.stat().st_size > 10_000
