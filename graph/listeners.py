"""An application gateway's listeners, read once for every caller (the exposure analysis and
the internet-paths query).

Two kinds ("Application Gateway components"; "Application Gateway TCP/TLS proxy overview"):
``httpListeners[]`` (Http/Https, inspected by a WAF) and, from API 2022-05-01, layer-4
``listeners[]`` (Tcp/Tls, which a WAF does not inspect). Each names a frontend IP
configuration and a frontend port (a child whose ``port`` is the number). An HTTP listener
may carry its own ``firewallPolicy`` ("Per-site and per-URI WAF policies"), which overrides
the gateway's for that listener.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graph.schema import node_id
from graph.stored_values import item_props, json_list

LAYER_7 = "http"
LAYER_4 = "tcp"


@dataclass(frozen=True, slots=True)
class Listener:
    id: str | None
    name: str
    frontend: str | None  # frontend IP configuration id (node id form)
    port: int | None
    protocol: str  # as ARM spells it: Http, Https, Tcp, Tls
    layer: str  # LAYER_7 or LAYER_4
    firewall_policy: str | None  # the listener's own WAF policy (node id form)


def _ref(value: Any) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("id"), str) and value["id"].strip():
        return node_id(value["id"])
    return None


def _port(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        port = int(value)
    except (TypeError, ValueError):
        return None
    return port if 0 < port <= 65535 else None


def gateway_listeners(data: Mapping[str, Any]) -> list[Listener]:
    """The listeners of a gateway, from its ARM properties or its graph node (where the
    collections are JSON strings): ``frontendPorts``, ``httpListeners``, ``listeners``."""
    ports = {
        node_id(str(p["id"])): _port(item_props(p).get("port"))
        for p in json_list(data.get("frontendPorts"))
        if isinstance(p, dict) and isinstance(p.get("id"), str)
    }
    out: list[Listener] = []
    for key, layer in (("httpListeners", LAYER_7), ("listeners", LAYER_4)):
        for item in json_list(data.get(key)):
            props = item_props(item)
            if not props:
                continue
            port_ref = _ref(props.get("frontendPort"))
            out.append(
                Listener(
                    id=node_id(item["id"]) if isinstance(item.get("id"), str) else None,
                    name=str(item.get("name") or ""),
                    frontend=_ref(props.get("frontendIPConfiguration")),
                    port=ports.get(port_ref) if port_ref else None,
                    protocol=str(props.get("protocol") or ("Tcp" if layer == LAYER_4 else "Http")),
                    layer=layer,
                    firewall_policy=_ref(props.get("firewallPolicy")) if layer == LAYER_7 else None,
                )
            )
    return out


def on_frontend(listener: Listener, frontend: str | None) -> bool:
    """Is the listener on this frontend (an unknown frontend on either side matches)?"""
    return frontend is None or listener.frontend is None or listener.frontend == frontend


def waf_mode(mode: str | None, state: str | None) -> str:
    """none / detection / prevention, as exposure.md reports a WAF policy."""
    if str(state or "").lower() != "enabled":
        return "none"
    return str(mode or "detection").lower()
