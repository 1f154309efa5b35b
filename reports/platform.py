"""The report's "Platform services" section: PaaS internet exposures grouped by service,
each endpoint with the settings that decided it in plain words (paas-exposure.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

VIA_PUBLIC_ENDPOINT = "public-endpoint"
# Service families in the order paas-exposure.md names them, with the names people use.
SERVICE_TITLES: dict[str, str] = {
    "storage": "Storage accounts",
    "sql": "Azure SQL",
    "key-vault": "Key Vault",
    "app-service": "App Service and Functions",
    "aks-api": "AKS API servers",
    "container-registry": "Container Registry",
    "cosmos-db": "Cosmos DB",
    "postgresql": "PostgreSQL flexible servers",
    "mysql": "MySQL flexible servers",
    "redis": "Azure Cache for Redis",
    "event-hubs": "Event Hubs",
    "service-bus": "Service Bus",
    "ai-services": "Azure AI services and OpenAI",
    "api-management": "API Management",
    "data-explorer": "Azure Data Explorer",
}


@dataclass(frozen=True)
class EndpointLine:
    service: str
    result: str
    ports: str
    anonymous: bool
    settings: str  # "public network access: Enabled; firewall default: Allow; ..."


@dataclass(frozen=True)
class PlatformRow:
    view: Any  # reports.views.FindingView
    endpoints: tuple[EndpointLine, ...]


def _extra(item: Any, key: str, default: Any) -> Any:
    return (getattr(item, "model_extra", None) or {}).get(key, default)


def is_platform(view: Any) -> bool:
    return any(e.via == VIA_PUBLIC_ENDPOINT for e in view.f.details.entries)


def _group(service: str) -> str:
    for prefix in ("storage", "app-service", "sql"):
        if service.startswith(prefix):
            return prefix
    return "ai-services" if service == "azure-openai" else service


def platform_groups(views: list[Any]) -> list[tuple[str, list[PlatformRow]]]:
    """Open PaaS exposures by service family (the contract's order), most severe first."""
    groups: dict[str, list[PlatformRow]] = {}
    for view in views:
        entries = [e for e in view.f.details.entries if e.via == VIA_PUBLIC_ENDPOINT]
        if not entries:
            continue
        lines = tuple(
            EndpointLine(
                service=str(_extra(e, "service", "")),
                result=str(_extra(e, "result", "")),
                ports=", ".join(p.label() for p in e.ports),
                anonymous=bool(_extra(e, "anonymous", False)),
                settings="; ".join(str(s) for s in _extra(e, "settings", [])),
            )
            for e in entries
        )
        groups.setdefault(_group(lines[0].service), []).append(PlatformRow(view, lines))
    order = list(SERVICE_TITLES)
    return [
        (SERVICE_TITLES.get(key, key), rows)
        for key, rows in sorted(
            groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)
        )
    ]
