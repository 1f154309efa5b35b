"""How fast the emulator serves a large estate (prints a table).

    .venv/bin/python benchmarks/bench_emulator.py [--subscriptions 1000] [--resources 50000]

Builds a synthetic estate in a temporary folder, starts the emulator in a
child process (as `tenantmap emulator` would run), and drives it over HTTPS
from this process with keep-alive connections: ARM list pages, GETs by id and
Resource Graph pages. Throttling is switched off (`"throttle": null`) so the
numbers are the emulator's own cost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import random
import ssl
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import cpu_seconds_of, rss_mb_of

from discovery.emulator import EmulatorHandle, serve

HOME = "5f1c3b0e-6a52-4d6f-9a43-2b1e7c0d9a10"


def build_estate(
    folder: Path, subscriptions: int, resources: int, latency_ms: float = 0
) -> list[str]:
    rng = random.Random(1)
    subs = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(subscriptions)]
    (folder / "tenants.json").write_text(
        json.dumps([{"id": f"/tenants/{HOME}", "tenantId": HOME, "tenantCategory": "Home"}])
    )
    (folder / "subscriptions.json").write_text(
        json.dumps(
            [
                {
                    "id": f"/subscriptions/{s}",
                    "subscriptionId": s,
                    "tenantId": HOME,
                    "displayName": f"sub-{i}",
                    "state": "Enabled",
                    "managedByTenants": [],
                }
                for i, s in enumerate(subs)
            ]
        )
    )
    (folder / "management-groups.json").write_text("[]")
    (folder / "emulator.json").write_text(
        json.dumps({"throttle": None, "resourceGraphQuota": None, "latencyMs": latency_ms})
    )
    kinds = ["virtualNetworks", "networkSecurityGroups", "publicIPAddresses", "networkInterfaces"]
    lines = []
    for n in range(resources):
        sub = subs[n % subscriptions]
        kind = kinds[n % len(kinds)]
        rid = (
            f"/subscriptions/{sub}/resourceGroups/rg{n % 3}/providers/Microsoft.Network/{kind}/r{n}"
        )
        props: dict[str, Any] = {
            "provisioningState": "Succeeded",
            "resourceGuid": str(uuid.UUID(int=n)),
        }
        if kind == "virtualNetworks":
            props["addressSpace"] = {"addressPrefixes": [f"10.{n % 250}.0.0/16"]}
            props["subnets"] = [
                {
                    "id": f"{rid}/subnets/s{k}",
                    "name": f"s{k}",
                    "properties": {"addressPrefix": f"10.{n % 250}.{k}.0/24"},
                }
                for k in range(4)
            ]
            props["virtualNetworkPeerings"] = []
        elif kind == "networkSecurityGroups":
            props["securityRules"] = [
                {
                    "id": f"{rid}/securityRules/rule{k}",
                    "name": f"rule{k}",
                    "properties": {
                        "protocol": "Tcp",
                        "access": "Allow",
                        "direction": "Inbound",
                        "priority": 100 + k,
                        "sourceAddressPrefix": "*",
                        "destinationPortRange": str(1000 + k),
                    },
                }
                for k in range(3)
            ]
        lines.append(
            {
                "id": rid,
                "name": f"r{n}",
                "type": f"Microsoft.Network/{kind}",
                "location": "westeurope",
                "tags": {"env": "bench"},
                "properties": props,
            }
        )
    lines.sort(key=lambda r: r["id"].lower())
    with (folder / "resources.jsonl").open("w") as handle:
        for line in lines:
            handle.write(json.dumps(line) + "\n")
    return subs


def _serve(folder: str, queue: Any) -> None:
    def announce(handle: EmulatorHandle) -> None:
        queue.put(
            {
                "arm": handle.arm_url,
                "ca": str(handle.ca_file),
                "client": handle.client_id,
                "secret": handle.client_secret,
                "tenant": handle.tenant_id,
                "pid": os.getpid(),
            }
        )

    serve(Path(folder), announce=announce)


async def _drive(
    info: dict[str, Any], token: str, make_request: Any, seconds: float, workers: int
) -> tuple[int, list[float]]:
    context = ssl.create_default_context(cafile=info["ca"])
    headers = {"Authorization": f"Bearer {token}"}
    latencies: list[float] = []
    count = 0
    deadline = time.monotonic() + seconds
    connector = aiohttp.TCPConnector(ssl=context, limit=workers)
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:

        async def worker(seed: int) -> None:
            nonlocal count
            rng = random.Random(seed)
            while time.monotonic() < deadline:
                method, url, body = make_request(rng)
                started = time.monotonic()
                async with session.request(method, url, json=body) as response:
                    await response.read()
                    assert response.status == 200, (response.status, await response.text())
                latencies.append(time.monotonic() - started)
                count += 1

        await asyncio.gather(*(worker(i) for i in range(workers)))
    return count, latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscriptions", type=int, default=1000)
    parser.add_argument("--resources", type=int, default=50000)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--workers", type=int, default=32)
    parser.add_argument("--latency-ms", type=float, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        subs = build_estate(folder, args.subscriptions, args.resources, args.latency_ms)
        size_mb = (folder / "resources.jsonl").stat().st_size / 2**20
        queue: Any = mp.get_context("spawn").Queue()
        started = time.monotonic()
        process = mp.get_context("spawn").Process(target=_serve, args=(str(folder), queue))
        process.start()
        info = queue.get(timeout=300)
        load_seconds = time.monotonic() - started
        rss = rss_mb_of(info["pid"])
        token = requests.post(
            f"{info['arm']}/{info['tenant']}/oauth2/v2.0/token",
            data={
                "grant_type": "client_credentials",
                "client_id": info["client"],
                "client_secret": info["secret"],
                "scope": "https://management.azure.com/.default",
            },
            verify=info["ca"],
            timeout=30,
        ).json()["access_token"]
        arm, version = info["arm"], "api-version=2026-03-01"

        def list_page(rng: random.Random) -> tuple[str, str, None]:
            sub = rng.choice(subs)
            return (
                "GET",
                f"{arm}/subscriptions/{sub}/providers/Microsoft.Network/virtualNetworks?{version}",
                None,
            )

        def get_one(rng: random.Random) -> tuple[str, str, None]:
            n = rng.randrange(args.resources)
            sub = subs[n % args.subscriptions]
            kind = [
                "virtualNetworks",
                "networkSecurityGroups",
                "publicIPAddresses",
                "networkInterfaces",
            ][n % 4]
            url = f"{arm}/subscriptions/{sub}/resourceGroups/rg{n % 3}/providers/Microsoft.Network/{kind}/r{n}?{version}"
            return "GET", url, None

        def graph_page(rng: random.Random) -> tuple[str, str, dict[str, Any]]:
            body = {
                "subscriptions": subs[:1000],
                "query": "resources | where type in~ ('microsoft.network/virtualnetworks', "
                "'microsoft.network/networksecuritygroups') | order by id asc",
                "options": {"$top": 1000, "$skip": rng.randrange(0, 20000, 1000)},
            }
            return (
                "POST",
                f"{arm}/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01",
                body,
            )

        rows = []
        try:
            for name, make in (
                ("ARM list page (VNets of one subscription)", list_page),
                ("ARM GET by id", get_one),
                ("Resource Graph page of 1000 rows", graph_page),
            ):
                cpu_before = cpu_seconds_of(info["pid"])
                count, latencies = asyncio.run(
                    _drive(info, token, make, args.seconds, args.workers)
                )
                cpu_ms = (cpu_seconds_of(info["pid"]) - cpu_before) * 1000 / max(count, 1)
                rows.append(
                    (
                        name,
                        count / args.seconds,
                        statistics.median(latencies) * 1000,
                        sorted(latencies)[int(len(latencies) * 0.95)] * 1000,
                        cpu_ms,
                    )
                )
            rss_after = rss_mb_of(info["pid"])
        finally:
            process.terminate()
            process.join(10)
    print(
        f"estate: {args.subscriptions} subscriptions, {args.resources} resources "
        f"({size_mb:.0f} MB resources.jsonl); cores: {os.cpu_count()}; workers: {args.workers}; "
        f"latency: {args.latency_ms:g} ms"
    )
    print(
        f"start (load + index + TLS): {load_seconds:.1f} s; emulator RSS after load "
        f"{rss:.0f} MB, after the runs {rss_after:.0f} MB"
    )
    print(f"{'operation':45} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'emulator cpu ms/req':>20}")
    for name, rate, p50, p95, cpu_ms in rows:
        print(f"{name:45} {rate:8.0f} {p50:8.1f} {p95:8.1f} {cpu_ms:20.2f}")


if __name__ == "__main__":
    main()
