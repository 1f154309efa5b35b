"""Named queries: the questions architects ask of the graph, one module each with its Cypher.

``base`` holds the Query record and how it runs on a graph or a store; ``links`` the links
between owners that connected-tenants and cross-links share. Presentation of the rows
(tables, JSON, CSV) is the CLI's (tenantmap.rows).
"""

from graph.queries.base import GraphStore, Query, QueryError, Row, present_view
from graph.queries.changes import QUERY as CHANGES
from graph.queries.changes import changes, property_diffs
from graph.queries.connected_tenants import QUERY as CONNECTED_TENANTS
from graph.queries.connected_tenants import connected_tenants
from graph.queries.cross_links import QUERY as CROSS_LINKS
from graph.queries.cross_links import cross_links
from graph.queries.governance import QUERY as GOVERNANCE
from graph.queries.internet_paths import QUERY as INTERNET_PATHS
from graph.queries.internet_paths import internet_paths
from graph.queries.links import Link, iter_links
from graph.queries.mg_subscriptions import QUERY as MG_SUBSCRIPTIONS
from graph.queries.mg_subscriptions import mg_subscriptions
from graph.queries.vnet_reach import QUERY as VNET_REACH
from graph.queries.vnet_reach import vnet_reach

# In the order `tenantmap query --list` and the generated docs show them.
QUERIES: dict[str, Query] = {
    q.name: q
    for q in (
        CONNECTED_TENANTS,
        INTERNET_PATHS,
        VNET_REACH,
        CROSS_LINKS,
        MG_SUBSCRIPTIONS,
        CHANGES,
        GOVERNANCE,
    )
}

__all__ = [
    "QUERIES",
    "GraphStore",
    "Link",
    "Query",
    "QueryError",
    "Row",
    "changes",
    "connected_tenants",
    "cross_links",
    "internet_paths",
    "iter_links",
    "mg_subscriptions",
    "present_view",
    "property_diffs",
    "vnet_reach",
]
