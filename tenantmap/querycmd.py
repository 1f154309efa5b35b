"""`tenantmap query`: named queries on the stored graph, raw Cypher on Neo4j."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from tenantmap.exitcodes import ExitCode, TenantmapError


def _list_queries(show_cypher: bool) -> int:
    import textwrap

    from graph.queries import QUERIES

    for q in QUERIES.values():
        params = " ".join(f"{p.upper()}" for p in q.params)
        click.echo(f"{q.name} {params}".rstrip())
        click.echo(
            textwrap.fill(q.description, width=96, initial_indent="    ", subsequent_indent="    ")
        )
        click.echo(f"    columns: {', '.join(q.columns)}")
        if show_cypher and q.cypher:
            click.echo(textwrap.indent(q.cypher.strip(), "      "))
        click.echo()
    return ExitCode.OK


def run_query(kw: dict[str, Any], state_dir: Path) -> int:
    from graph.queries import QUERIES, QueryError
    from graph.stores import StoreError
    from graph.stores.common import StoreQueryError
    from tenantmap.config import default_store_url
    from tenantmap.pipeline import open_existing_store_or_fail, open_store_or_fail
    from tenantmap.rows import format_rows

    if kw.get("list_"):
        return _list_queries(bool(kw.get("show_cypher")))
    url = kw.get("store") or default_store_url(state_dir)
    if kw.get("cypher"):
        if not url.split(":", 1)[0].startswith(("neo4j", "bolt")):
            raise TenantmapError(
                "--cypher needs a Neo4j store: pass --store neo4j://HOST:7687 or bolt://..."
            )
    elif not kw.get("name"):
        raise TenantmapError("name a query (see `tenantmap query --list`) or pass --cypher")
    elif kw["name"] not in QUERIES:
        raise TenantmapError(f"no query named {kw['name']!r}: see `tenantmap query --list`")
    elif len(kw["params"]) != len(QUERIES[kw["name"]].params):
        want = " ".join(p.upper() for p in QUERIES[kw["name"]].params) or "no parameters"
        raise TenantmapError(f"query {kw['name']} takes {want}")
    # Raw Cypher may read what another tool put in Neo4j; named queries need tenantmap's runs.
    opener = open_store_or_fail if kw.get("cypher") else open_existing_store_or_fail
    store = opener(url, state_dir, kw.get("neo4j_database"))
    try:
        if kw.get("cypher"):
            # Only the Neo4j store speaks Cypher; the scheme check above made sure it is one.
            rows = store.cypher(kw["cypher"])  # type: ignore[attr-defined]
            columns = list(rows[0].keys()) if rows else []
        else:
            q = QUERIES[kw["name"]]
            rows = q.run_on_store(store, *kw["params"], include_stale=bool(kw.get("include_stale")))
            columns = list(q.columns)
    except (QueryError, StoreQueryError) as exc:
        raise TenantmapError(str(exc), ExitCode.BAD_INPUT) from None
    except StoreError as exc:
        raise TenantmapError(str(exc), ExitCode.PARTIAL) from None
    finally:
        store.close()
    click.echo(format_rows(rows, columns, kw["fmt"]), nl=False)
    return ExitCode.OK
