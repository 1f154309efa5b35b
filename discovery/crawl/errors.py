"""Errors the crawl raises before it can write a snapshot (one clear sentence each)."""

from __future__ import annotations


class CrawlError(Exception):
    """The crawl could not start or could not reach Azure at all."""


class CrawlConfigError(CrawlError):
    """The target or the credentials are missing or wrong."""
