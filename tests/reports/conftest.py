"""Fixtures for the report and mail tests."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests.reports.smtp_server import Certificates, make_certificates

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[2]


def load_fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture
def full_report() -> dict[str, Any]:
    """Every finding kind, new/existing/accepted, unverified, resolved, partial coverage."""
    return load_fixture("full")


@pytest.fixture
def quiet_report() -> dict[str, Any]:
    """The night after: same open findings, nothing new, nothing resolved."""
    return load_fixture("quiet")


@pytest.fixture
def clean_report() -> dict[str, Any]:
    """A first run on a clean estate: no findings, one tenant, complete coverage."""
    return load_fixture("clean")


@pytest.fixture
def copy_of() -> Any:
    return copy.deepcopy


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("mail-certs"))


@pytest.fixture(scope="session")
def test_output() -> Path:
    """Where tests leave files for people to look at (gitignored)."""
    out = REPO / "test-output" / "reports"
    out.mkdir(parents=True, exist_ok=True)
    return out


SCRIPT = "<script>document.title='pwned'</script>"
IMG = '<img src="https://attacker.example/x.png" onerror="alert(1)">'
BREAKOUT = '"><svg onload="alert(2)"><a href="https://attacker.example">'


@pytest.fixture
def hostile_report(full_report: dict[str, Any]) -> dict[str, Any]:
    """Names and ids as a hostile partner could set them in Azure."""
    report = full_report
    woodgrove = next(
        t for t in report["topology"]["tenants"] if t["declared"] is False and t["name"]
    )
    woodgrove["name"] = f"Woodgrove {SCRIPT}"
    for f in report["findings"]:
        if f["kind"] == "unknown-tenant" and f["status"] == "new":
            f["subjectName"] = IMG
            f["title"] = f"Unknown tenant {SCRIPT} & {IMG}"
            f["evidence"][0]["to"] = f["evidence"][0]["to"] + BREAKOUT
            f["details"]["channels"] = [BREAKOUT]
    report["organization"] = f"Contoso {SCRIPT}"
    report["resolved"][0]["title"] = f"resolved {IMG}"
    report["coverage"]["failed"][0]["code"] = BREAKOUT
    return report
