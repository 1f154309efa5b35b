"""The crawler: Azure (or the emulator) into a snapshot folder (snapshot.md)."""

from discovery.crawl.engine import CrawlResult, crawl
from discovery.crawl.errors import CrawlConfigError, CrawlError
from discovery.crawl.target import CLOUDS, CrawlTarget, TenantCredential
from discovery.crawl.transport import RetrySettings

__all__ = [
    "CLOUDS",
    "CrawlConfigError",
    "CrawlError",
    "CrawlResult",
    "CrawlTarget",
    "RetrySettings",
    "TenantCredential",
    "crawl",
]
