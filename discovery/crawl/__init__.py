"""The crawler: Azure (or the emulator) into a snapshot folder (snapshot.md).

    target = CrawlTarget.for_emulator(emu)              # or CrawlTarget.for_azure(cloud=...)
    result = crawl(target, out_dir, source="resource-graph" | "arm", concurrency=16,
                   timeout=None, state_dir=state, progress=True)
    result.complete, result.timed_out, result.errors, result.requests, result.counts

Modules: ``target`` (clouds, credentials, the per-tenant credential adapter),
``transport`` (SDK client pipelines, pacing, raw JSON paging), ``run`` (the
entry: session and credential, then the mode's engine), ``engine`` (what both
modes share), ``resource_graph_mode`` and ``arm_mode`` (how each reads resources),
``clients`` (a tenant's SDK clients), ``catalogue`` (types, list paths, api-versions), ``shape``
(Resource Graph rows to ARM shape, child merge), ``links`` and ``foreign``
(foreign subscriptions and their tenants), ``roundtrip`` (snapshot.md's
round-trip equality, for tests and checks), ``progress``.
"""

from discovery.crawl.errors import CrawlConfigError, CrawlError
from discovery.crawl.run import CrawlResult, crawl
from discovery.crawl.target import CLOUDS, CrawlTarget, TenantCredential
from discovery.crawl.transport import Bounds, RetrySettings

__all__ = [
    "CLOUDS",
    "Bounds",
    "CrawlConfigError",
    "CrawlError",
    "CrawlResult",
    "CrawlTarget",
    "RetrySettings",
    "TenantCredential",
    "crawl",
]
