"""The blocking `serve` entry (what `tenantmap emulator --estate DIR` runs)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from azure.identity import ClientSecretCredential
from azure.mgmt.resource.subscriptions import SubscriptionClient

from tests.emulator.helpers import ARM_SCOPE, HOME, SUB_HOME

REPO = Path(__file__).resolve().parents[2]


def test_serve_prints_the_urls_and_ca_file_a_client_needs_and_stops_on_sigterm(
    make_estate, tmp_path
):
    estate, ca_dir = make_estate(), tmp_path / "ca"
    code = f"from discovery.emulator import serve; serve({str(estate)!r}, ca_dir={str(ca_dir)!r})"
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        printed = dict(line.split(":", 1) for line in (process.stdout.readline() for _ in range(6)))
        printed = {k.strip(): v.strip() for k, v in printed.items()}
        credential = ClientSecretCredential(
            printed["Tenant"],
            printed["Client id"],
            printed["Client secret"],
            authority=printed["Authority URL"],
            disable_instance_discovery=True,
            connection_verify=printed["CA file"],
        )
        client = SubscriptionClient(
            credential,
            base_url=printed["ARM URL"],
            credential_scopes=[ARM_SCOPE],
            connection_verify=printed["CA file"],
        )
        assert printed["Tenant"] == HOME
        assert Path(printed["CA file"]).parent == ca_dir
        assert SUB_HOME in {s.subscription_id for s in client.subscriptions.list()}
    finally:
        process.terminate()
        assert process.wait(timeout=20) == 0
