"""Owning tenant of a subscription we cannot read, as Azure itself tells it.

A GET of ``/subscriptions/{id}`` without a token answers 401 with
``WWW-Authenticate: Bearer authorization_uri="https://<login host>/<tenant id>"``.
The request goes through a bare azure-core pipeline (retry only, no bearer
policy): the SDK clients always attach a token, which would defeat the probe.
"""

from __future__ import annotations

import re
from typing import Any

from azure.core.exceptions import AzureError
from azure.core.pipeline import AsyncPipeline
from azure.core.pipeline.policies import UserAgentPolicy
from azure.core.pipeline.transport import AsyncHttpTransport
from azure.core.rest import HttpRequest

from discovery.crawl.catalogue import SUBSCRIPTIONS_API
from discovery.crawl.transport import USER_AGENT, BoundedRetryPolicy, Pacer

_AUTHORIZATION_URI = re.compile(
    r'authorization_uri="?https?://[^/"\s]+/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-'
    r"[0-9a-fA-F]{4}-[0-9a-fA-F]{12})",
    re.I,
)


def tenant_from_challenge(header: str | None) -> str | None:
    match = _AUTHORIZATION_URI.search(header or "")
    return match.group(1).lower() if match else None


class ForeignResolver:
    def __init__(
        self,
        arm_url: str,
        transport: AsyncHttpTransport,
        pacer: Pacer,
        max_retry_after: float = 60.0,
    ) -> None:
        self._arm_url = arm_url.rstrip("/")
        self._pacer = pacer
        self._pipeline: AsyncPipeline[Any, Any] = AsyncPipeline(
            transport=transport,
            policies=[
                UserAgentPolicy(base_user_agent=USER_AGENT),
                BoundedRetryPolicy(max_retry_after, retry_total=5),
            ],
        )

    async def resolve(self, subscription_id: str) -> dict[str, Any]:
        """``{"subscriptionId", "tenantId", "status"}``; status resolved, not-found or error."""
        request = HttpRequest(
            "GET",
            f"{self._arm_url}/subscriptions/{subscription_id}?api-version={SUBSCRIPTIONS_API}",
        )
        entry: dict[str, Any] = {"subscriptionId": subscription_id, "tenantId": None}
        try:
            async with self._pacer.semaphore:
                self._pacer.requests += 1
                # only the status and the challenge header matter: the body is never read
                response = (await self._pipeline.run(request, stream=True)).http_response
                await response.close()
        except (TimeoutError, AzureError, OSError):
            return {**entry, "status": "error"}
        if response.status_code == 404:
            return {**entry, "status": "not-found"}
        tenant = (
            tenant_from_challenge(response.headers.get("WWW-Authenticate"))
            if response.status_code == 401
            else None
        )
        if tenant is None:
            return {**entry, "status": "error"}
        return {**entry, "tenantId": tenant, "status": "resolved"}
