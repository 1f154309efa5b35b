"""The SDK clients of one tenant, all on the crawl's shared transport and pacer."""

from __future__ import annotations

from typing import Any

from azure.core.pipeline.transport import AioHttpTransport
from azure.mgmt.authorization.v2022_04_01.aio import AuthorizationManagementClient
from azure.mgmt.compute.aio import ComputeManagementClient
from azure.mgmt.managedservices.aio import ManagedServicesClient
from azure.mgmt.managementgroups.aio import ManagementGroupsMgmtClient
from azure.mgmt.network.aio import NetworkManagementClient
from azure.mgmt.resource.policy.aio import PolicyClient
from azure.mgmt.resource.resources.aio import ResourceManagementClient
from azure.mgmt.resource.subscriptions.aio import SubscriptionClient
from azure.mgmt.resourcegraph.aio import ResourceGraphClient
from azure.mgmt.security.v2024_01_01.aio import SecurityCenter
from azure.mgmt.subscription.aio import SubscriptionClient as SubscriptionPolicyClient

from discovery.crawl import catalogue as cat
from discovery.crawl.target import CrawlTarget, CredentialSource, TenantCredential
from discovery.crawl.transport import Bounds, Pacer, RetrySettings, pipeline_policies

# The SDK clients that take a subscription id are used with absolute URLs
# only, so the id they are constructed with is never sent.
_UNUSED_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"


class TenantClients:
    """The SDK clients for one tenant, all on the shared transport and pacer."""

    def __init__(
        self,
        tenant_id: str,
        credential: CredentialSource,
        target: CrawlTarget,
        transport: AioHttpTransport,
        pacer: Pacer,
        retry: RetrySettings,
        bounds: Bounds,
    ) -> None:
        self.tenant_id = tenant_id
        self.credential = TenantCredential(credential, tenant_id)

        def kwargs() -> dict[str, Any]:
            return {
                "base_url": target.arm_url,
                "credential_scopes": [target.scope],
                "transport": transport,
                "policies": pipeline_policies(
                    self.credential,
                    target.scope,
                    pacer,
                    tenant_id,
                    retry,
                    arm_url=target.arm_url,
                    bounds=bounds,
                ),
            }

        cred = self.credential
        self.subscriptions = SubscriptionClient(cred, **kwargs())
        self.management_groups = ManagementGroupsMgmtClient(cred, **kwargs())
        self.resource_graph = ResourceGraphClient(cred, **kwargs())
        self.network = NetworkManagementClient(cred, _UNUSED_SUBSCRIPTION, **kwargs())
        self.compute = ComputeManagementClient(cred, _UNUSED_SUBSCRIPTION, **kwargs())
        self.resources = ResourceManagementClient(cred, _UNUSED_SUBSCRIPTION, **kwargs())
        self.managed_services = ManagedServicesClient(cred, **kwargs())
        # governance reads (discovery/crawl/governance.py)
        self.policy = PolicyClient(cred, _UNUSED_SUBSCRIPTION, **kwargs())
        self.authorization = AuthorizationManagementClient(cred, _UNUSED_SUBSCRIPTION, **kwargs())
        self.security = SecurityCenter(cred, **kwargs())
        self.subscription_policy = SubscriptionPolicyClient(cred, **kwargs())

    def for_type(self, type_name: str) -> Any:
        lower = type_name.lower()
        if lower.startswith("microsoft.compute/"):
            return self.compute
        # platform services: raw send_request on the resources client's pipeline
        return self.resources if lower in cat.PAAS_TYPES else self.network

    async def close(self) -> None:
        for client in (
            self.subscriptions,
            self.management_groups,
            self.resource_graph,
            self.network,
            self.compute,
            self.resources,
            self.managed_services,
            self.policy,
            self.authorization,
            self.security,
            self.subscription_policy,
        ):
            await client.close()
