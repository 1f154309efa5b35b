"""The second step of a build: facts that need every resource read first.

Load-balancer and DNAT rules become FORWARDS_TO edges, application gateways learn
their WAF mode from their policy, Lighthouse assignments become MANAGED_BY edges,
every id a link names but the crawl did not read becomes a placeholder node, and
the internet node EXPOSES every public IP.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graph.build.context import BuildContext, FirewallNat, str_list
from graph.build.directory import ensure_subscription, ensure_tenant
from graph.build.ids import (
    alias_id,
    arm_type_of,
    is_child,
    last_segment,
    parent_id,
    resource_group_of,
)
from graph.build.registry import label_for_type
from graph.listeners import waf_mode
from graph.schema import (
    ALIAS_PREFIX,
    INTERNET_ID,
    Label,
    Rel,
    node_id,
    subscription_of,
)

IN_SUBNET = Rel.IN_SUBNET.value
PEERS_WITH = Rel.PEERS_WITH.value
CONNECTS_TO = Rel.CONNECTS_TO.value


class PrivateIpIndex:
    """Private IP -> the NIC IP configurations holding it, with their VNet."""

    def __init__(self, ctx: BuildContext) -> None:
        g = ctx.g
        self.by_ip: dict[str, list[tuple[str, str | None]]] = {}
        succ = g._succ
        for nid, data in g._node.items():  # networkx's own dicts: whole-graph passes
            if data.get("label") != Label.IP_CONFIGURATION.value or data.get("foreign"):
                continue
            ip = data.get("privateIPAddress")
            if not isinstance(ip, str):
                continue
            vnet = None
            for target, keyed in succ[nid].items():
                if IN_SUBNET in keyed:
                    vnet = parent_id(target)
                    break
            self.by_ip.setdefault(ip, []).append((nid, vnet))

    def resolve(
        self, ip: str, vnets: Iterable[set[str]] = (), *, strict: bool = False
    ) -> str | None:
        """The one IP configuration holding `ip`; narrowed by VNet when several do.

        With `strict`, the first VNet set must contain the match (a pool that names its VNet).
        """
        candidates = self.by_ip.get(ip) or []
        groups = list(vnets)
        if strict and groups:
            candidates = [c for c in candidates if c[1] in groups[0]]
        if len(candidates) == 1:
            return candidates[0][0]
        for group in groups:
            narrowed = [c for c in candidates if c[1] in group]
            if len(narrowed) == 1:
                return narrowed[0][0]
        return None


def _dedupe(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def resolve_load_balancers(ctx: BuildContext, index: PrivateIpIndex | None) -> None:
    for lb in ctx.load_balancers:
        unresolved: list[str] = []

        def members(pool: str | None, _unresolved: list[str] = unresolved) -> list[str]:
            if not pool:
                return []
            found = list(ctx.pool_members.get(pool, []))
            for ip, vnet in ctx.pool_addresses.get(pool, []):
                hit = (
                    index.resolve(ip, [{vnet}] if vnet else [], strict=bool(vnet))
                    if index
                    else None
                )
                if hit:
                    found.append(hit)
                else:
                    _unresolved.append(ip)
            return _dedupe(found)

        for rule_id, protocol, front, back, frontend, pools, floating in lb.rules:
            targets = _dedupe(t for pool in pools for t in members(pool))
            for target in targets:
                ctx.edge(
                    lb.lb,
                    target,
                    Rel.FORWARDS_TO,
                    rule_id,
                    kind="rule",
                    ruleId=rule_id,
                    protocol=protocol,
                    frontendPortStart=front,
                    frontendPortEnd=front,
                    backendPort=back,
                    frontendIPConfigId=frontend,
                    floatingIP=floating or None,
                )
        for (
            rule_id,
            protocol,
            front,
            range_start,
            range_end,
            back,
            frontend,
            backend_ipc,
            pool,
            floating,
        ) in lb.nat_rules:
            if pool and range_start is not None:
                # A NAT rule with a frontend port range onto a pool maps each port in order;
                # a range that is no port (the shape check let a number through) maps none.
                port = _port_number(range_start)
                end = _port_number(range_end) if range_end is not None else port
                if port is None or end is None:
                    continue
                for target in members(pool):
                    if port > end:
                        break
                    ctx.edge(
                        lb.lb,
                        target,
                        Rel.FORWARDS_TO,
                        rule_id,
                        kind="nat",
                        ruleId=rule_id,
                        protocol=protocol,
                        frontendPortStart=port,
                        frontendPortEnd=port,
                        backendPort=back,
                        frontendIPConfigId=frontend,
                        floatingIP=floating or None,
                    )
                    port += 1
                continue
            targets = _dedupe(
                [*([backend_ipc] if backend_ipc else []), *ctx.nat_targets.get(rule_id, [])]
            )
            for target in targets:
                ctx.edge(
                    lb.lb,
                    target,
                    Rel.FORWARDS_TO,
                    rule_id,
                    kind="nat",
                    ruleId=rule_id,
                    protocol=protocol,
                    frontendPortStart=front,
                    frontendPortEnd=front,
                    backendPort=back,
                    frontendIPConfigId=frontend,
                    floatingIP=floating or None,
                )
        if unresolved:
            ctx.g.nodes[lb.lb]["unresolvedBackendAddresses"] = _dedupe(unresolved)


def _port_number(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if value != value or not 0 <= value <= 65535:  # NaN, or no port
        return None
    return int(value)


def _policy_chain(ctx: BuildContext, policy: str | None) -> list[str]:
    chain: list[str] = []
    while policy and policy not in chain:
        chain.append(policy)
        record = ctx.policies.get(policy)
        policy = record.base if record else None
    return chain


def _peered_vnets(ctx: BuildContext, vnet: str | None) -> set[str]:
    """VNets peered with ``vnet`` over a live peering (``Connected``)."""
    if not vnet or vnet not in ctx.g:
        return set()
    out: set[str] = set()
    for target, keyed in ctx.g.succ[vnet].items():
        for key, data in keyed.items():
            if (
                key.startswith(PEERS_WITH)
                and str(data.get("peeringState") or "connected").lower() == "connected"
            ):
                out.add(target)
    return out


def _hub_vnets(ctx: BuildContext, hubs: Iterable[str]) -> set[str]:
    """VNets connected to the given virtual hubs."""
    g = ctx.g
    out: set[str] = set()
    for hub in hubs:
        if hub not in g:
            continue
        for target, keyed in g.succ[hub].items():
            if CONNECTS_TO in {k.split(":", 1)[0] for k in keyed} and (
                g.nodes[target].get("label") == Label.VIRTUAL_NETWORK.value
            ):
                out.add(target)
    return out


def _hubs_of_vnet(ctx: BuildContext, vnet: str | None) -> set[str]:
    g = ctx.g
    if not vnet or vnet not in g:
        return set()
    return {
        hub
        for hub, keyed in g.pred[vnet].items()
        if g.nodes[hub].get("label") == Label.VIRTUAL_HUB.value
        and CONNECTS_TO in {k.split(":", 1)[0] for k in keyed}
    }


def firewall_networks(ctx: BuildContext, fw: FirewallNat) -> tuple[set[str], set[str]]:
    """The VNets a firewall's DNAT can reach: its own, then the directly peered ones and those
    connected to the same Virtual WAN hub (exposure.md entry 4)."""
    own = {fw.vnet} if fw.vnet else set()
    hubs = _hubs_of_vnet(ctx, fw.vnet) | ({fw.hub} if fw.hub else set())
    others = (_peered_vnets(ctx, fw.vnet) | _hub_vnets(ctx, hubs)) - own
    return own, others


def _dnat_target(
    ctx: BuildContext, index: PrivateIpIndex | None, address: str, own: set[str], near: set[str]
) -> tuple[str | None, str | None]:
    """(target, internal load balancer frontend id) for a translated address, among the
    networks the firewall reaches only: a NIC IP configuration or an internal frontend."""
    reachable = own | near
    candidates: list[tuple[str, str | None, str | None]] = []
    if index is not None:
        candidates += [(ipc, None, vnet) for ipc, vnet in index.by_ip.get(address, [])]
    candidates += [(lb, fe, vnet) for lb, fe, vnet in ctx.lb_frontends.get(address, [])]
    candidates = [c for c in candidates if c[2] in reachable]
    if len(candidates) > 1:
        candidates = [c for c in candidates if c[2] in own]
    if len(candidates) == 1:
        return candidates[0][0], candidates[0][1]
    return None, None


def resolve_firewalls(ctx: BuildContext, index: PrivateIpIndex | None) -> None:
    for fw in ctx.firewalls:
        # Classic rules, then the policy's: a parent policy's groups before the child's
        # ("Azure Firewall Manager policy overview"), each in priority order (ingress.py).
        rules: list[tuple[str | None, str, dict[str, Any]]] = [
            (None, f"{coll}/{rule.get('name', '')}", rule) for coll, rule in fw.classic
        ]
        for chained in reversed(_policy_chain(ctx, fw.policy)):
            record = ctx.policies.get(chained)
            for group, coll, rule in record.rules if record else []:
                rules.append((chained, f"{group}/{coll}/{rule.get('name', '')}", rule))
        own, near = firewall_networks(ctx, fw)
        for order, (policy, path, rule) in enumerate(rules):
            address = rule.get("translatedAddress")
            fqdn = rule.get("translatedFqdn")
            target: str | None = None
            frontend: str | None = None
            reason: str | None = None
            if isinstance(address, str) and address:
                target, frontend = _dnat_target(ctx, index, address.strip(), own, near)
                reason = None if target else "dnat-target-unresolved"
            elif fqdn:
                reason = "dnat-fqdn-target"
            else:
                reason = "dnat-target-unresolved"
            ctx.edge(
                fw.firewall,
                target or fw.firewall,
                Rel.FORWARDS_TO,
                f"dnat:{policy or 'classic'}:{path}".lower(),
                kind="dnat",
                order=order,
                ruleName=rule.get("name"),
                ruleCollection=path.rsplit("/", 1)[0],
                protocols=str_list(rule.get("protocols") or rule.get("ipProtocols")),
                sourceAddresses=str_list(rule.get("sourceAddresses")),
                sourceIpGroups=[node_id(g) for g in str_list(rule.get("sourceIpGroups"))],
                destinationAddresses=str_list(rule.get("destinationAddresses")),
                destinationPorts=str_list(rule.get("destinationPorts")),
                translatedAddress=address if isinstance(address, str) else None,
                translatedFqdn=fqdn if isinstance(fqdn, str) else None,
                translatedPort=None
                if rule.get("translatedPort") is None
                else str(rule["translatedPort"]),
                policyId=policy,
                frontendIPConfigId=frontend,
                resolved=target is not None,
                unresolvedReason=reason,
            )


def resolve_waf_modes(ctx: BuildContext) -> None:
    for gateway, policy, legacy in ctx.app_gateways:
        node = ctx.g.nodes[gateway]
        if policy in ctx.waf_policies:
            node["wafMode"] = waf_mode(*ctx.waf_policies[policy])
        else:
            node["wafMode"] = legacy
            node["wafPolicyUnread"] = True


def resolve_lighthouse(ctx: BuildContext) -> None:
    for sub, definition, managing in ctx.registration_assignments:
        tenant = managing or ctx.registration_definitions.get(definition)
        if not tenant:
            continue
        ensure_subscription(ctx, sub)
        ensure_tenant(ctx, tenant)
        ctx.edge(
            sub,
            tenant,
            Rel.MANAGED_BY,
            f"registrationDefinition:{definition}",
            via="registrationDefinition",
            definitionId=definition,
        )


def add_placeholders(ctx: BuildContext) -> None:
    """Every id a link names but the crawl did not read becomes a foreign placeholder."""
    g = ctx.g
    pending = [nid for nid, data in g._node.items() if "label" not in data]
    pending.extend(s for s in ctx.subscription_refs if "label" not in g.nodes.get(s, {}))
    while pending:
        nid = pending.pop()
        if "label" in g.nodes.get(nid, {}):
            continue
        if "/" not in nid and not nid.startswith(ALIAS_PREFIX):
            ensure_subscription(ctx, nid)
            continue
        _placeholder(ctx, nid, pending)


def _placeholder(ctx: BuildContext, nid: str, pending: list[str]) -> None:
    hint = ctx.hints.get(nid, {})
    arm_id = str(hint.get("armId") or nid)
    if nid.startswith(ALIAS_PREFIX):
        ctx.add(
            nid,
            {
                "id": nid,
                "label": Label.PRIVATE_LINK_SERVICE.value,
                "name": arm_id,
                "armId": arm_id,
                "alias": arm_id,
                "foreign": True,
                "placeholder": True,
            },
        )
        return
    arm_type = arm_type_of(nid)
    label = label_for_type(arm_type) if arm_type else Label.RESOURCE
    sub = subscription_of(nid)
    hub_managed = bool(hint.get("hubManaged"))
    props: dict[str, Any] = {
        "id": nid,
        "label": label.value,
        "name": last_segment(arm_id),
        "armId": arm_id,
        "type": arm_type or None,
        "foreign": True,
        "placeholder": True,
        "subscriptionId": sub,
        "tenantId": None if hub_managed or not sub else ctx.sub_tenant.get(sub),
        "resourceGroup": resource_group_of(arm_id),
        "addressPrefixes": hint.get("addressPrefixes"),
        "hubManaged": True if hub_managed else None,
    }
    ctx.add(nid, props)
    if is_child(nid):
        parent = parent_id(nid)
        if "label" not in ctx.g.nodes.get(parent, {}):
            ctx.g.add_node(parent)
            pending.append(parent)
        rel = Rel.HAS_IP_CONFIG if label is Label.IP_CONFIGURATION else Rel.CONTAINS
        ctx.edge(parent, nid, rel)
    elif sub and not hub_managed:
        ensure_subscription(ctx, sub)
        ctx.edge(sub, nid, Rel.CONTAINS)


def add_internet(ctx: BuildContext) -> None:
    g = ctx.g
    ctx.add(INTERNET_ID, {"id": INTERNET_ID, "label": Label.INTERNET.value, "name": "Internet"})
    pip = Label.PUBLIC_IP.value
    pips = [nid for nid, data in g._node.items() if data.get("label") == pip]
    for pip in pips:
        ctx.edge(INTERNET_ID, pip, Rel.EXPOSES)


def resolve(ctx: BuildContext) -> None:
    needs_index = bool(ctx.firewalls) or bool(ctx.pool_addresses)
    index = PrivateIpIndex(ctx) if needs_index else None
    resolve_load_balancers(ctx, index)
    resolve_firewalls(ctx, index)
    resolve_waf_modes(ctx)
    resolve_lighthouse(ctx)
    add_placeholders(ctx)
    add_internet(ctx)


__all__ = ["PrivateIpIndex", "alias_id", "resolve"]
