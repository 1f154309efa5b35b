"""A crawl that cannot start says so in one sentence and leaves what was there."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from discovery.crawl import CrawlConfigError, CrawlError, CrawlTarget, crawl
from discovery.emulator import running_emulator
from tests.crawl.helpers import FAST_RETRY, crawl_emulator, read_json


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _one_sentence(message: str) -> None:
    assert "\n" not in message and "Traceback" not in message
    assert message.endswith(".") and len(message) < 400


def test_an_unreachable_endpoint_is_one_clear_error(
    sample_estate: Path, tmp_path: Path, tmp_state: Path
) -> None:
    with running_emulator(sample_estate) as emu:
        dead = f"https://127.0.0.1:{_closed_port()}"
        target = CrawlTarget.for_azure(
            arm_endpoint=dead,
            authority=emu.authority_url,
            ca_bundle=emu.ca_file,
            environ={
                "AZURE_TENANT_ID": emu.tenant_id,
                "AZURE_CLIENT_ID": emu.client_id,
                "AZURE_CLIENT_SECRET": emu.client_secret,
            },
        )
        with pytest.raises(CrawlError) as raised:
            crawl(target, tmp_path / "snap", state_dir=tmp_state, retry=FAST_RETRY)
    assert dead in str(raised.value)
    _one_sentence(str(raised.value))
    assert not (tmp_path / "snap").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".snap")] == []


def test_wrong_credentials_are_one_clear_error(
    sample_estate: Path, tmp_path: Path, tmp_state: Path
) -> None:
    with running_emulator(sample_estate) as emu:
        target = CrawlTarget.for_azure(
            arm_endpoint=emu.arm_url,
            authority=emu.authority_url,
            ca_bundle=emu.ca_file,
            environ={
                "AZURE_TENANT_ID": emu.tenant_id,
                "AZURE_CLIENT_ID": emu.client_id,
                "AZURE_CLIENT_SECRET": "not-the-secret",
            },
        )
        with pytest.raises(CrawlConfigError) as raised:
            crawl(target, tmp_path / "snap", state_dir=tmp_state, retry=FAST_RETRY)
    assert "credentials" in str(raised.value)
    _one_sentence(str(raised.value))


def test_missing_credentials_are_one_clear_error(
    sample_estate: Path, tmp_path: Path, tmp_state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in (
        "AZURE_TENANT_ID",
        "AZURE_CLIENT_ID",
        "AZURE_CLIENT_SECRET",
        "AZURE_FEDERATED_TOKEN_FILE",
        "IDENTITY_ENDPOINT",
        "MSI_ENDPOINT",
        "AZURE_USERNAME",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no az, azd or pwsh to fall back on
    with running_emulator(sample_estate) as emu:
        target = CrawlTarget.for_azure(
            arm_endpoint=emu.arm_url, authority=emu.authority_url, ca_bundle=emu.ca_file
        )
        with pytest.raises(CrawlConfigError) as raised:
            crawl(target, tmp_path / "snap", state_dir=tmp_state, timeout=60)
    assert "No Azure credentials found" in str(raised.value)
    _one_sentence(str(raised.value))


def test_a_half_set_service_principal_names_what_is_missing() -> None:
    with pytest.raises(CrawlConfigError, match="AZURE_TENANT_ID"):
        CrawlTarget.for_azure(environ={"AZURE_CLIENT_ID": "x", "AZURE_CLIENT_SECRET": "y"})


def test_an_unknown_cloud_is_refused() -> None:
    with pytest.raises(CrawlConfigError, match="AzureUSGovernment"):
        CrawlTarget.for_azure(cloud="AzureMoon", environ={})


def test_named_clouds_use_their_endpoints() -> None:
    target = CrawlTarget.for_azure(cloud="AzureChinaCloud", environ={})
    assert target.arm_url == "https://management.chinacloudapi.cn"
    assert target.authority_url == "https://login.chinacloudapi.cn"
    assert target.scope == "https://management.chinacloudapi.cn/.default"


def test_a_failed_crawl_leaves_the_previous_snapshot_as_it_was(
    sample_estate: Path, tmp_path: Path, tmp_state: Path
) -> None:
    with running_emulator(sample_estate) as emu:
        crawl_emulator(emu, tmp_path / "snap", tmp_state, "resource-graph")
        before = {p.name: p.read_bytes() for p in (tmp_path / "snap").iterdir()}
        target = CrawlTarget.for_azure(
            arm_endpoint=f"https://127.0.0.1:{_closed_port()}",
            authority=emu.authority_url,
            ca_bundle=emu.ca_file,
            environ={
                "AZURE_TENANT_ID": emu.tenant_id,
                "AZURE_CLIENT_ID": emu.client_id,
                "AZURE_CLIENT_SECRET": emu.client_secret,
            },
        )
        with pytest.raises(CrawlError):
            crawl(target, tmp_path / "snap", state_dir=tmp_state, retry=FAST_RETRY)
    after = {p.name: p.read_bytes() for p in (tmp_path / "snap").iterdir()}
    assert after == before
    assert read_json(tmp_path / "snap", "manifest.json")["counts"]["resources"] > 0


def test_bad_options_are_refused_before_any_call(tmp_path: Path, tmp_state: Path) -> None:
    target = CrawlTarget.for_azure(environ={})
    with pytest.raises(CrawlConfigError, match="resource-graph or arm"):
        crawl(target, tmp_path / "snap", source="graph", state_dir=tmp_state)
    with pytest.raises(CrawlConfigError, match="Concurrency"):
        crawl(target, tmp_path / "snap", concurrency=0, state_dir=tmp_state)
