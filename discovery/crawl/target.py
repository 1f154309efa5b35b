"""Where the crawl goes and with which identity.

One azure-identity credential serves every tenant: azure-identity caches and
refreshes a token per tenant when asked ``get_token(..., tenant_id=...)``
(allowed by ``additionally_allowed_tenants=["*"]``). ``TenantCredential`` is
the small adapter that pins a tenant, so each SDK client's ordinary bearer
policy asks for the right tenant's token without touching SDK internals.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from azure.core.credentials import AccessToken, AccessTokenInfo, TokenRequestOptions
from azure.core.credentials_async import AsyncTokenCredential

from discovery.crawl.errors import CrawlConfigError

CLOUDS: dict[str, tuple[str, str]] = {
    "AzureCloud": ("https://management.azure.com", "https://login.microsoftonline.com"),
    "AzureUSGovernment": (
        "https://management.usgovcloudapi.net",
        "https://login.microsoftonline.us",
    ),
    "AzureChinaCloud": ("https://management.chinacloudapi.cn", "https://login.chinacloudapi.cn"),
}

# Builds the one credential; receives azure-core transport keywords
# (shared transport, CA settings) to pass on to azure-identity.
CredentialFactory = Callable[[dict[str, Any]], AsyncTokenCredential]


class _EmulatorLike(Protocol):
    arm_url: str
    authority_url: str
    ca_file: Path
    tenant_id: str
    client_id: str
    client_secret: str


@dataclass(frozen=True)
class CrawlTarget:
    arm_url: str
    authority_url: str
    ca_file: Path | None
    credential_factory: CredentialFactory
    cloud: str | None = None
    home_tenant_id: str | None = None
    client_id: str | None = None
    description: str = field(default="")

    @property
    def scope(self) -> str:
        return self.arm_url.rstrip("/") + "/.default"

    @classmethod
    def for_emulator(cls, emu: _EmulatorLike) -> CrawlTarget:
        def factory(transport_kwargs: dict[str, Any]) -> AsyncTokenCredential:
            from azure.identity.aio import ClientSecretCredential

            return ClientSecretCredential(
                emu.tenant_id,
                emu.client_id,
                emu.client_secret,
                authority=emu.authority_url,
                additionally_allowed_tenants=["*"],
                **transport_kwargs,
            )

        return cls(
            arm_url=emu.arm_url,
            authority_url=emu.authority_url,
            ca_file=Path(emu.ca_file),
            credential_factory=factory,
            cloud=None,
            home_tenant_id=emu.tenant_id,
            client_id=emu.client_id,
            description="emulator",
        )

    @classmethod
    def for_azure(
        cls,
        *,
        cloud: str | None = "AzureCloud",
        arm_endpoint: str | None = None,
        authority: str | None = None,
        ca_bundle: Path | None = None,
        environ: dict[str, str] | None = None,
    ) -> CrawlTarget:
        """Real Azure: a named cloud, or explicit endpoints (and a CA bundle).

        Credentials: a service principal when AZURE_TENANT_ID, AZURE_CLIENT_ID
        and AZURE_CLIENT_SECRET are all set, else DefaultAzureCredential.
        """
        env = dict(os.environ if environ is None else environ)
        if arm_endpoint or authority:
            if not (arm_endpoint and authority):
                raise CrawlConfigError(
                    "Give both --arm-endpoint and --authority, or neither and a --cloud."
                )
            arm_url, authority_url, cloud_name = arm_endpoint, authority, None
        else:
            name = cloud or "AzureCloud"
            if name not in CLOUDS:
                raise CrawlConfigError(
                    f"Unknown cloud {name!r}: use one of {', '.join(CLOUDS)}, "
                    "or --arm-endpoint with --authority."
                )
            (arm_url, authority_url), cloud_name = CLOUDS[name], name
        for url, flag in ((arm_url, "--arm-endpoint"), (authority_url, "--authority")):
            if not url.startswith("https://"):
                raise CrawlConfigError(f"{flag} must be an https:// URL, not {url!r}.")
        if ca_bundle is not None and not Path(ca_bundle).is_file():
            raise CrawlConfigError(f"The CA bundle {ca_bundle} does not exist.")
        secret_vars = ("AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET")
        present = [v for v in secret_vars if env.get(v)]
        if 0 < len(present) < 3 and "AZURE_CLIENT_SECRET" in present:
            missing = ", ".join(v for v in secret_vars if v not in present)
            raise CrawlConfigError(f"AZURE_CLIENT_SECRET is set but {missing} is not: set it.")
        use_secret = len(present) == 3
        tenant, client = env.get("AZURE_TENANT_ID"), env.get("AZURE_CLIENT_ID")

        def factory(transport_kwargs: dict[str, Any]) -> AsyncTokenCredential:
            if use_secret:
                from azure.identity.aio import ClientSecretCredential

                return ClientSecretCredential(
                    env["AZURE_TENANT_ID"],
                    env["AZURE_CLIENT_ID"],
                    env["AZURE_CLIENT_SECRET"],
                    authority=authority_url,
                    additionally_allowed_tenants=["*"],
                    **transport_kwargs,
                )
            from azure.identity.aio import DefaultAzureCredential

            return DefaultAzureCredential(
                authority=authority_url, additionally_allowed_tenants=["*"], **transport_kwargs
            )

        return cls(
            arm_url=arm_url.rstrip("/"),
            authority_url=authority_url.rstrip("/"),
            ca_file=Path(ca_bundle) if ca_bundle else None,
            credential_factory=factory,
            cloud=cloud_name,
            home_tenant_id=tenant if use_secret else None,
            client_id=client if use_secret else None,
            description=cloud_name or arm_url,
        )


class CredentialSource:
    """The one credential of a crawl, renewable.

    azure-identity offers no way to bypass its token cache; when ARM refuses
    a token the cache still holds (it expired on the way, or the clocks
    disagree), the only supported way to a fresh token is a fresh credential.
    """

    def __init__(self, factory: CredentialFactory, transport_kwargs: dict[str, Any]) -> None:
        self._factory = factory
        self._kwargs = transport_kwargs
        self.current = factory(transport_kwargs)
        self.generation = 0
        self.renewals = 0
        self._issued: dict[str, int] = {}
        self._retired: list[AsyncTokenCredential] = []

    def issued(self, token: str) -> None:
        if len(self._issued) > 256:
            self._issued.clear()
        self._issued[token] = self.generation

    def renew(self, refused_token: str) -> None:
        """A fresh credential, unless one was made since ``refused_token`` was issued."""
        if self._issued.get(refused_token, self.generation) != self.generation:
            return
        self._retired.append(self.current)
        self.current = self._factory(self._kwargs)
        self.generation += 1
        self.renewals += 1

    async def close(self) -> None:
        for credential in (*self._retired, self.current):
            await credential.close()


class TenantCredential:
    """An AsyncTokenCredential that always asks the crawl's credential for one tenant."""

    def __init__(self, source: CredentialSource, tenant_id: str | None) -> None:
        self.source = source
        self.tenant_id = tenant_id

    async def get_token(
        self,
        *scopes: str,
        claims: str | None = None,
        tenant_id: str | None = None,
        enable_cae: bool = False,
        **kwargs: Any,
    ) -> AccessToken:
        token = await self.source.current.get_token(
            *scopes,
            claims=claims,
            tenant_id=self.tenant_id or tenant_id,
            enable_cae=enable_cae,
            **kwargs,
        )
        self.source.issued(token.token)
        return token

    async def get_token_info(
        self, *scopes: str, options: TokenRequestOptions | None = None
    ) -> AccessTokenInfo:
        opts: dict[str, Any] = dict(options or {})
        if self.tenant_id:
            opts["tenant_id"] = self.tenant_id
        inner = self.source.current
        info = getattr(inner, "get_token_info", None)
        if info is not None:
            result: AccessTokenInfo = await info(*scopes, options=opts)
        else:
            token = await inner.get_token(*scopes, **opts)
            result = AccessTokenInfo(token.token, token.expires_on)
        self.source.issued(result.token)
        return result

    async def close(self) -> None:
        """The source is shared; the crawl closes it."""

    async def __aenter__(self) -> TenantCredential:
        return self

    async def __aexit__(self, *args: object) -> None:
        return None
