"""Store write/read speed on a synthetic estate graph (default 500k nodes + 500k edges).

Each store runs in its own child process (so peak RSS is that store's), and does:
a first write (everything new), a nightly rewrite of the same graph (everything
merged, nothing changed) and a read back of the latest graph. Neo4j is the
test launcher's embedded Community server (neo4j-launcher/, started here) unless
NEO4J_URI (with NEO4J_USERNAME/NEO4J_PASSWORD) names one.

    .venv/bin/python benchmarks/bench_stores.py [--nodes 500000] [--edges 500000]
                                                 [--stores sqlite,neo4j]
Targets: SQLite >= 200,000 elements/s, Neo4j >= 50,000 elements/s (first write).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

import networkx as nx  # noqa: E402

from graph.schema import Label, Rel, edge_key  # noqa: E402

LABELS = [
    Label.VIRTUAL_NETWORK,
    Label.SUBNET,
    Label.NETWORK_INTERFACE,
    Label.IP_CONFIGURATION,
    Label.VIRTUAL_MACHINE,
    Label.PUBLIC_IP,
    Label.NSG,
]
RELS = [Rel.IN_SUBNET, Rel.HAS_IP_CONFIG, Rel.ATTACHED_TO, Rel.PROTECTED_BY, Rel.PEERS_WITH]


def synthetic_graph(nodes: int, edges: int, subscriptions: int = 1000) -> nx.MultiDiGraph:
    """A tenant, its subscriptions and resources spread over them, like the build's output."""
    graph = nx.MultiDiGraph()
    tenant = "00000000-0000-0000-0000-0000000000aa"
    graph.add_node(tenant, id=tenant, label=Label.TENANT.value, name="Contoso", tenantId=tenant)
    subs = [f"00000000-0000-0000-0001-{i:012d}" for i in range(subscriptions)]
    for sub in subs:
        graph.add_node(
            sub, id=sub, label=Label.SUBSCRIPTION.value, name=f"sub-{sub[-4:]}",
            subscriptionId=sub, tenantId=tenant, state="Enabled",
        )  # fmt: skip
    resources: list[str] = []
    for i in range(nodes - 1 - subscriptions):
        sub = subs[i % subscriptions]
        label = LABELS[i % len(LABELS)]
        rid = (
            f"/subscriptions/{sub}/resourcegroups/rg{i % 7}/providers/x/{label.value.lower()}/r{i}"
        )
        graph.add_node(
            rid, id=rid, label=label.value, name=f"r{i}", subscriptionId=sub, tenantId=tenant,
            location="westeurope", armId=rid, type=f"microsoft.network/{label.value.lower()}",
            addressPrefixes=["10.0.0.0/16"], tags={"env": "prod", "team": f"t{i % 13}"},
        )  # fmt: skip
        resources.append(rid)
    made = 0
    for sub in subs:
        graph.add_edge(tenant, sub, key=edge_key(Rel.CONTAINS), type=Rel.CONTAINS.value)
        made += 1
    for rid in resources:
        if made >= edges:
            break
        sub = rid.split("/")[2]
        graph.add_edge(sub, rid, key=edge_key(Rel.CONTAINS), type=Rel.CONTAINS.value)
        made += 1
    step = 0
    while made < edges:
        source = resources[step % len(resources)]
        target = resources[(step * 7919 + 1) % len(resources)]
        rel = RELS[step % len(RELS)]
        graph.add_edge(
            source, target, key=edge_key(rel, str(step)), type=rel.value, state="Connected"
        )
        made += 1
        step += 1
    return graph


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def warm_up(url: str) -> None:
    """Write and delete a small graph first: a server that has run for a while has
    compiled its hot paths, a fresh JVM compiles them during the first large write
    (on 2 cores that doubled its server CPU time)."""
    from graph.stores import open_store
    from tests.neo4j_server import clear_database, environment_auth

    graph = synthetic_graph(25_000, 25_000)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(url, state_dir=Path(tmp))
        for night in ("2026-10-01T02:00:00Z", "2026-10-02T02:00:00Z"):
            run_id = store.begin_run(night, {"kind": "warm-up"}, None)
            store.write_graph(run_id, graph, complete_scopes=set(), seen_at=night)
        store.read_graph()
        store.close()
    clear_database(url, environment_auth())


def child(
    store_kind: str, nodes: int, edges: int, url: str | None, warm: bool
) -> dict[str, object]:
    import gc

    from graph.stores import open_store

    if store_kind == "neo4j" and url and warm:
        warm_up(url)
    graph = synthetic_graph(nodes, edges)
    gc.collect()
    base_rss = peak_rss_mib()
    elements = graph.number_of_nodes() + graph.number_of_edges()
    scopes = {
        attrs.get("subscriptionId") or attrs.get("tenantId") for _, attrs in graph.nodes(data=True)
    }
    with tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp)
        store_url = url if store_kind == "neo4j" else f"sqlite:///{state / 'bench.db'}"
        store = open_store(store_url, state_dir=state)
        timings: dict[str, float] = {}
        for phase, night in (
            ("write", "2026-11-01T02:00:00Z"),
            ("rewrite", "2026-11-02T02:00:00Z"),
        ):
            run_id = store.begin_run(night, {"kind": "bench"}, None)
            start = time.perf_counter()
            store.write_graph(
                run_id, graph, complete_scopes={s for s in scopes if s}, seen_at=night
            )
            timings[phase] = time.perf_counter() - start
            # SQLite copies its WAL into the database on a thread after the commit (the
            # run goes on meanwhile): timed apart, so the next phase does not carry it.
            start = time.perf_counter()
            settle = getattr(store, "settle", None)
            if settle is not None:
                settle()
            timings[f"{phase}_checkpoint"] = time.perf_counter() - start
        start = time.perf_counter()
        read = store.read_graph()
        timings["read"] = time.perf_counter() - start
        assert read.number_of_nodes() == graph.number_of_nodes()
        assert read.number_of_edges() == graph.number_of_edges()
        store.close()
    return {
        "store": store_kind,
        "elements": elements,
        **timings,
        "graph_rss_mib": base_rss,
        "peak_rss_mib": peak_rss_mib(),
    }


def server_peak_rss_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=500_000)
    parser.add_argument("--edges", type=int, default=500_000)
    parser.add_argument("--stores", default="sqlite,neo4j")
    parser.add_argument(
        "--cold", action="store_true", help="no Neo4j warm-up: time a freshly started JVM"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.nodes, args.edges, args.url, not args.cold)))
        return 0

    results = []
    for kind in args.stores.split(","):
        server = None
        env = dict(os.environ)
        url = os.environ.get("NEO4J_URI")
        if kind == "neo4j" and not url:
            from tests.neo4j_server import TEST_USER, start_server

            home = Path(tempfile.mkdtemp(prefix="bench-neo4j-"))
            # Sized as Neo4j's operations manual advises: initial heap = maximum heap.
            server = start_server(
                home,
                heap="4g",
                jvm_options=["-Xms4g"],
                extra_conf={"server.memory.pagecache.size": "2g"},
            )
            url = server.uri
            env.update(NEO4J_USERNAME=TEST_USER, NEO4J_PASSWORD=server.password or "")
        try:
            command = [sys.executable, __file__, "--child", kind, "--nodes", str(args.nodes),
                       "--edges", str(args.edges)] + (["--cold"] if args.cold else [])  # fmt: skip
            if url and kind == "neo4j":
                command += ["--url", url]
            output = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
            if output.returncode != 0:
                print(output.stderr[-3000:], file=sys.stderr)
                return 1
            result = json.loads(output.stdout.strip().splitlines()[-1])
            if server is not None:
                result["server_rss_mib"] = server_peak_rss_mib(server.process.pid)
            results.append(result)
        finally:
            if server is not None:
                server.stop()
                shutil.rmtree(server.home, ignore_errors=True)

    header = (
        f"{'store':<7} {'elements':>9} {'write s':>8} {'elements/s':>11} {'+ckpt s':>8} "
        f"{'rewrite s':>10} {'elements/s':>11} {'+ckpt s':>8} {'read s':>7} "
        f"{'peak RSS MiB':>13} {'server RSS MiB':>15}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        elements = int(r["elements"])
        server_rss = r.get("server_rss_mib")
        print(
            f"{r['store']:<7} {elements:>9,} {r['write']:>8.1f} {elements / r['write']:>11,.0f} "
            f"{r['write_checkpoint']:>8.1f} {r['rewrite']:>10.1f} "
            f"{elements / r['rewrite']:>11,.0f} {r['rewrite_checkpoint']:>8.1f} {r['read']:>7.1f} "
            f"{r['peak_rss_mib']:>13,.0f} "
            f"{'' if server_rss is None else f'{server_rss:,.0f}':>15}"
        )
    print("(peak RSS is the Python process, graph included: the graph alone took "
          + ", ".join(f"{r['store']} {r['graph_rss_mib']:,.0f}" for r in results) + " MiB;")  # fmt: skip
    print(" +ckpt: SQLite's WAL checkpoint, run on a thread after the commit while the run")
    print(" goes on; " + ("Neo4j timed on a freshly started JVM)" if args.cold else
          "Neo4j warmed up first with a 50,000-element write, as a long-running server is)"))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
