"""paas-exposure.md's call budget: both crawl modes read a platform service's children only
while its public endpoint is open, through the real SDK pipeline against the emulator."""

from __future__ import annotations

from pathlib import Path

import pytest

from discovery.emulator import running_emulator
from tests.crawl.helpers import MODES, crawl_emulator, resource_lines

CHILD_PATHS = (
    "/firewallrules",
    "/networkrulesets/default",
    "/config/web",
    "/blobservices/default/containers",
)
# The sample's services whose public endpoint is open and that have a child to read.
OPEN_WITH_CHILDREN = {
    "sql-reporting-prod/firewallrules",
    "mysql-dev/firewallrules",
    "redis-web-prod/firewallrules",
    "evh-data-prod/networkrulesets/default",
    "app-shop/config/web",
    "stmarketingassets/blobservices/default/containers",
}


@pytest.mark.parametrize("mode", MODES)
def test_children_are_read_only_for_open_public_endpoints(
    sample_estate: Path, tmp_path: Path, tmp_state: Path, mode: str
) -> None:
    with running_emulator(sample_estate) as emu:
        crawl_emulator(emu, tmp_path / "snap", tmp_state, mode)
        log = emu.request_log()
    read = {
        e["path"].lower().split("/providers/", 1)[1].split("/", 2)[2]
        for e in log
        if e["path"].lower().endswith(CHILD_PATHS)
    }
    assert read == OPEN_WITH_CHILDREN


@pytest.mark.parametrize("mode", MODES)
def test_every_platform_service_is_crawled_with_the_children_it_needs(
    sample_estate: Path, tmp_path: Path, tmp_state: Path, mode: str
) -> None:
    with running_emulator(sample_estate) as emu:
        crawl_emulator(emu, tmp_path / "snap", tmp_state, mode)
    by_name = {r["name"]: r for r in resource_lines(tmp_path / "snap")}
    assert (
        by_name["app-shop"]["properties"]["configWeb"]["properties"][
            "scmIpSecurityRestrictionsDefaultAction"
        ]
        == "Allow"
    )
    assert [c["name"] for c in by_name["stmarketingassets"]["properties"]["containers"]] == [
        "campaign-assets",
        "drafts",
    ]
    assert (
        by_name["evh-data-prod"]["properties"]["networkRuleSet"]["properties"]["defaultAction"]
        == "Deny"
    )
    # services with no private endpoint are kept (once they were dropped)
    for name in (
        "kv-web-prod",
        "aks-dev",
        "acrshop",
        "oai-data-prod",
        "adxdataprod",
        "apim-web-prod",
    ):
        assert name in by_name
