"""What lets the internet in: load balancers, application gateways and their WAF policies,
Azure Firewalls with their policies and IP groups, Bastion hosts. Rules become FORWARDS_TO
edges once every NIC has been read (`resolve_ingress`)."""

from __future__ import annotations

from typing import Any

from graph.build.context import (
    BuildContext,
    FirewallNat,
    LoadBalancerRules,
    PolicyNat,
    as_json,
    str_list,
)
from graph.build.ids import parent_id, props_of, ref, refs
from graph.build.links import inbound_private_links
from graph.build.network import attach_ip_configuration
from graph.listeners import gateway_listeners
from graph.resource_types import ResourceType
from graph.schema import Label, Rel, node_id

# -- load balancers -----------------------------------------------------------


def load_balancer(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.LOAD_BALANCER, arm_type)
    sku = (res.get("sku") or {}).get("name")
    props["sku"] = sku
    for key in (
        "frontendIPConfigurations",
        "backendAddressPools",
        "loadBalancingRules",
        "inboundNatRules",
        "inboundNatPools",
    ):
        props[key] = as_json(p.get(key) or [])
    nat_pools = len(p.get("inboundNatPools") or [])
    if nat_pools:
        props["natPoolsNotExpanded"] = nat_pools
    ctx.add(nid, props)
    ctx.contain(nid)
    for frontend in p.get("frontendIPConfigurations") or []:
        subnet = attach_ip_configuration(ctx, nid, frontend, frontend=True)
        if not subnet or not isinstance(frontend.get("id"), str):
            continue
        # An internal frontend: a DNAT translating to its address reaches the rules' backends.
        private_ip = props_of(frontend).get("privateIPAddress")
        if isinstance(private_ip, str) and private_ip:
            ctx.lb_frontends.setdefault(private_ip, []).append(
                (nid, node_id(frontend["id"]), parent_id(subnet))
            )
    for pool in p.get("backendAddressPools") or []:
        if isinstance(pool, dict) and pool.get("id"):
            _pool(ctx, pool)
    rules = []
    for rule in p.get("loadBalancingRules") or []:
        if not isinstance(rule, dict) or not rule.get("id"):
            continue
        rp = props_of(rule)
        pools = refs(rp, "backendAddressPools")
        single = ref(rp, "backendAddressPool")
        if single and single not in pools:
            pools.insert(0, single)
        rules.append(
            (
                node_id(rule["id"]),
                rp.get("protocol"),
                rp.get("frontendPort"),
                rp.get("backendPort"),
                ref(rp, "frontendIPConfiguration"),
                tuple(pools),
                rp.get("enableFloatingIP") is True,
            )
        )
    nat_rules = []
    for rule in p.get("inboundNatRules") or []:
        if not isinstance(rule, dict) or not rule.get("id"):
            continue
        rp = props_of(rule)
        nat_rules.append(
            (
                node_id(rule["id"]),
                rp.get("protocol"),
                rp.get("frontendPort"),
                rp.get("frontendPortRangeStart"),
                rp.get("frontendPortRangeEnd"),
                rp.get("backendPort"),
                ref(rp, "frontendIPConfiguration"),
                ref(rp, "backendIPConfiguration"),
                ref(rp, "backendAddressPool"),
                rp.get("enableFloatingIP") is True,
            )
        )
    if rules or nat_rules:
        ctx.load_balancers.append(LoadBalancerRules(nid, sku, rules, nat_rules, nat_pools))


def _pool(ctx: BuildContext, pool: dict[str, Any]) -> None:
    pid = node_id(pool["id"])
    pp = props_of(pool)
    members = ctx.pool_members.setdefault(pid, [])
    members.extend(refs(pp, "backendIPConfigurations"))
    for address in pp.get("loadBalancerBackendAddresses") or []:
        ap = props_of(address)
        ipc = ref(ap, "networkInterfaceIPConfiguration")
        if ipc:
            members.append(ipc)
            continue
        ip = ap.get("ipAddress")
        if isinstance(ip, str) and ip:
            vnet = ref(ap, "virtualNetwork")
            subnet = ref(ap, "subnet")
            if not vnet and subnet:
                vnet = parent_id(subnet)
            ctx.pool_addresses.setdefault(pid, []).append((ip, vnet))


# -- application gateways -----------------------------------------------------


def application_gateway(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.APPLICATION_GATEWAY, arm_type)
    sku = p.get("sku") or res.get("sku") or {}
    props["sku"] = sku.get("name")
    props["skuTier"] = sku.get("tier")
    for key in ("frontendIPConfigurations", "frontendPorts", "httpListeners", "listeners"):
        props[key] = as_json(p.get(key) or [])
    legacy = p.get("webApplicationFirewallConfiguration") or {}
    legacy_mode = (
        str(legacy.get("firewallMode") or "detection").lower() if legacy.get("enabled") else "none"
    )
    policy = ref(p, "firewallPolicy")
    props["wafMode"] = legacy_mode
    ctx.add(nid, props)
    ctx.contain(nid)
    for ipc in p.get("gatewayIPConfigurations") or []:
        attach_ip_configuration(ctx, nid, ipc)
    for frontend in p.get("frontendIPConfigurations") or []:
        attach_ip_configuration(ctx, nid, frontend, frontend=True)
    if policy:
        ctx.edge(nid, policy, Rel.USES_POLICY)
        ctx.app_gateways.append((nid, policy, legacy_mode))
    # Per-site WAF policies ("Per-site and per-URI WAF policies"): the analysis reads
    # their mode from the policy node, the edge makes them evidence.
    for listener in gateway_listeners(p):
        if listener.firewall_policy:
            ctx.edge(nid, listener.firewall_policy, Rel.USES_POLICY)
    # Private Link for Application Gateway: endpoints (often another tenant's) into it.
    inbound_private_links(ctx, nid, p)


def waf_policy(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    settings = props_of(res).get("policySettings") or {}
    props = ctx.base_props(res, nid, Label.WAF_POLICY, arm_type)
    props["mode"] = settings.get("mode")
    props["state"] = settings.get("state")
    ctx.add(nid, props)
    ctx.contain(nid)
    ctx.waf_policies[nid] = (settings.get("mode"), settings.get("state"))


# -- firewalls ------------------------------------------------------------------


def firewall(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.FIREWALL, arm_type)
    props["ipConfigurations"] = as_json(p.get("ipConfigurations") or [])
    props["natRuleCollections"] = as_json(p.get("natRuleCollections") or [])
    private_ip = None
    for ipc in p.get("ipConfigurations") or []:
        private_ip = private_ip or props_of(ipc).get("privateIPAddress")
    hub = p.get("hubIPAddresses") or {}
    private_ip = private_ip or hub.get("privateIPAddress")
    props["privateIPAddress"] = private_ip
    hub_public = [
        str(a["address"])
        for a in ((hub.get("publicIPs") or {}).get("addresses") or [])
        if isinstance(a, dict) and isinstance(a.get("address"), str) and a["address"]
    ]
    if hub_public:
        props["hubPublicIPAddresses"] = hub_public
    props["skuTier"] = (p.get("sku") or {}).get("tier")
    ctx.add(nid, props)
    ctx.contain(nid)
    for address in hub_public:
        _hub_public_ip(ctx, nid, address, props)
    vnet = None
    for ipc in p.get("ipConfigurations") or []:
        subnet = attach_ip_configuration(ctx, nid, ipc)
        if subnet and not vnet:
            vnet = parent_id(subnet)
    attach_ip_configuration(ctx, nid, p.get("managementIpConfiguration"), management=True)
    policy = ref(p, "firewallPolicy")
    if policy:
        ctx.edge(nid, policy, Rel.USES_POLICY)
    hub_id = ref(p, "virtualHub")
    if hub_id:
        ctx.edge(nid, hub_id, Rel.PART_OF)
    # Collections by priority, lower first ("Azure Firewall rule processing logic").
    collections = sorted(
        (c for c in p.get("natRuleCollections") or [] if isinstance(c, dict)),
        key=lambda c: _priority(props_of(c)),
    )
    classic = [
        (str(coll.get("name") or ""), rule)
        for coll in collections
        for rule in props_of(coll).get("rules") or []
        if isinstance(rule, dict)
    ]
    if classic or policy:
        ctx.firewalls.append(FirewallNat(nid, classic, policy, vnet, hub_id))


def _priority(props: dict[str, Any]) -> int:
    """A rule collection's (or group's) priority; an unreadable one sorts last."""
    value = props.get("priority")
    if isinstance(value, bool):
        return 1 << 20
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 1 << 20


HUB_PUBLIC_IP_SEGMENT = "hubipaddresses/publicips"


def _hub_public_ip(ctx: BuildContext, firewall: str, address: str, fw: dict[str, Any]) -> None:
    """A secured-hub firewall's public address: no public IP resource holds it, so it gets a
    node of its own under the firewall ("Secured virtual hub"), ATTACHED_TO the firewall."""
    nid = f"{firewall}/{HUB_PUBLIC_IP_SEGMENT}/{address.strip().lower()}"
    props = {
        "id": nid,
        "label": Label.PUBLIC_IP.value,
        "name": address.strip(),
        "armId": nid,
        "type": "microsoft.network/azurefirewalls/hubipaddresses/publicips",
        "foreign": False,
        "subscriptionId": fw.get("subscriptionId"),
        "tenantId": fw.get("tenantId"),
        "resourceGroup": fw.get("resourceGroup"),
        "location": fw.get("location"),
        "ipAddress": address.strip(),
        "sku": "Standard",
        "hubManagedAddress": True,
    }
    ctx.add(nid, props)
    ctx.edge(firewall, nid, Rel.CONTAINS)
    ctx.edge(nid, firewall, Rel.ATTACHED_TO)


def firewall_policy(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.FIREWALL_POLICY, arm_type)
    groups = p.get("ruleCollectionGroups") or []
    props["ruleCollectionGroups"] = as_json(groups)
    ctx.add(nid, props)
    ctx.contain(nid)
    base = ref(p, "basePolicy")
    if base:
        ctx.edge(nid, base, Rel.INHERITS_FROM)
    # Groups by priority, then their collections by priority, lower first ("Azure Firewall
    # rule processing logic"); sorted() is stable, so equal numbers keep ARM's order.
    rules: list[tuple[str, str, dict[str, Any]]] = []
    ordered = sorted(
        (g for g in groups if isinstance(g, dict)), key=lambda g: _priority(props_of(g))
    )
    for group in ordered:
        collections = sorted(
            (c for c in props_of(group).get("ruleCollections") or [] if isinstance(c, dict)),
            key=_priority,
        )
        for coll in collections:
            if str(coll.get("ruleCollectionType") or "") != "FirewallPolicyNatRuleCollection":
                continue
            for rule in coll.get("rules") or []:
                if isinstance(rule, dict):
                    rules.append((str(group.get("name") or ""), str(coll.get("name") or ""), rule))
    ctx.policies[nid] = PolicyNat(base, rules)


def ip_group(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    props = ctx.base_props(res, nid, Label.IP_GROUP, arm_type)
    props["ipAddresses"] = str_list(props_of(res).get("ipAddresses"))
    ctx.add(nid, props)
    ctx.contain(nid)


def bastion_host(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.BASTION, arm_type)
    props["sku"] = (res.get("sku") or {}).get("name")
    ctx.add(nid, props)
    ctx.contain(nid)
    for ipc in p.get("ipConfigurations") or []:
        attach_ip_configuration(ctx, nid, ipc)
    vnet = ref(p, "virtualNetwork")
    if vnet:
        ctx.edge(nid, vnet, Rel.CONNECTS_TO)


# -- declarations (graph/resource_types.py) ----------------------------------------

LOAD_BALANCER = ResourceType(
    label=Label.LOAD_BALANCER,
    meaning="a load balancer with its SKU",
    column="entry points",
    arm_types=("microsoft.network/loadbalancers",),
    props={
        "sku": "Basic, Standard or Gateway",
        "frontendIPConfigurations": "JSON",
        "backendAddressPools": "JSON",
        "loadBalancingRules": "JSON",
        "inboundNatRules": "JSON",
        "inboundNatPools": "JSON",
        "natPoolsNotExpanded": "how many inbound NAT pools (scale sets) exist; they get no edges",
        "unresolvedBackendAddresses": "pool IP addresses no crawled NIC holds",
    },
    joins=(
        (Label.PUBLIC_IP, Rel.ATTACHED_TO, Label.LOAD_BALANCER),
        (Label.LOAD_BALANCER, Rel.IN_SUBNET, Label.SUBNET),
        (Label.LOAD_BALANCER, Rel.FORWARDS_TO, Label.IP_CONFIGURATION),
    ),
    edge_props={
        Rel.FORWARDS_TO: {
            "kind": "rule or nat (load balancer), dnat (firewall), private-link-service (private "
            "link service -> the load balancer whose frontend it uses)",
            "ruleId": "load balancer: the rule's id",
            "protocol": "load balancer: Tcp, Udp or All",
            "frontendPortStart": "load balancer: first frontend port (0 with backendPort 0 = HA "
            "ports)",
            "frontendPortEnd": "load balancer: last frontend port",
            "backendPort": "load balancer: the backend port",
            "frontendIPConfigId": "load balancer: the rule's frontend; firewall: the internal "
            "load balancer frontend a DNAT translates to",
            "floatingIP": "load balancer: true when the rule enables floating IP",
        },
    },
    nouns={
        "loadbalancers": "load balancer",
        "frontendipconfigurations": "frontend",
        "backendaddresspools": "backend pool",
        "loadbalancingrules": "LB rule",
        "inboundnatrules": "NAT rule",
    },
    entry="load-balancer",
    handler=load_balancer,
)

APPLICATION_GATEWAY = ResourceType(
    label=Label.APPLICATION_GATEWAY,
    meaning="an application gateway with listeners and WAF state",
    column="entry points",
    arm_types=("microsoft.network/applicationgateways",),
    props={
        "sku": "sku.name",
        "skuTier": "sku.tier (Standard_v2, WAF_v2, ...)",
        "frontendIPConfigurations": "JSON",
        "frontendPorts": "JSON",
        "httpListeners": "JSON",
        "listeners": "JSON: layer-4 (Tcp/Tls) listeners, API 2022-05-01 on",
        "wafMode": "none, detection or prevention: from its WAF policy, else the legacy "
        "configuration",
        "wafPolicyUnread": "true when its WAF policy was not crawled (wafMode then from legacy "
        "config)",
    },
    joins=(
        (Label.PUBLIC_IP, Rel.ATTACHED_TO, Label.APPLICATION_GATEWAY),
        (Label.APPLICATION_GATEWAY, Rel.USES_POLICY, Label.WAF_POLICY),
        (Label.APPLICATION_GATEWAY, Rel.IN_SUBNET, Label.SUBNET),
    ),
    nouns={
        "applicationgateways": "app gateway",
        "frontendipconfigurations": "frontend",
        "httplisteners": "listener",
    },
    entry="application-gateway",
    handler=application_gateway,
)

WAF_POLICY = ResourceType(
    label=Label.WAF_POLICY,
    meaning="an application gateway WAF policy (mode, state)",
    column="entry points",
    arm_types=("microsoft.network/applicationgatewaywebapplicationfirewallpolicies",),
    props={
        "mode": "policySettings.mode",
        "state": "policySettings.state",
    },
    nouns={"applicationgatewaywebapplicationfirewallpolicies": "WAF policy"},
    handler=waf_policy,
)

FIREWALL = ResourceType(
    label=Label.FIREWALL,
    meaning="an Azure Firewall",
    column="entry points",
    arm_types=("microsoft.network/azurefirewalls",),
    props={
        "ipConfigurations": "JSON",
        "natRuleCollections": "JSON: classic DNAT rule collections",
        "privateIPAddress": "the firewall's private IP (first IP configuration, or hub IP)",
        "hubPublicIPAddresses": "public addresses of a secured-hub firewall",
        "skuTier": "Basic, Standard or Premium",
    },
    joins=(
        (Label.PUBLIC_IP, Rel.ATTACHED_TO, Label.FIREWALL),
        (Label.FIREWALL, Rel.FORWARDS_TO, Label.IP_CONFIGURATION),
        (Label.FIREWALL, Rel.FORWARDS_TO, Label.LOAD_BALANCER),
        (Label.FIREWALL, Rel.FORWARDS_TO, Label.FIREWALL),
        (Label.FIREWALL, Rel.CONTAINS, Label.PUBLIC_IP),
        (Label.FIREWALL, Rel.USES_POLICY, Label.FIREWALL_POLICY),
        (Label.FIREWALL, Rel.IN_SUBNET, Label.SUBNET),
    ),
    edge_props={
        Rel.ATTACHED_TO: {
            "management": "public IP -> firewall: true for the management IP configuration",
        },
        Rel.FORWARDS_TO: {
            "order": "firewall: processing order of the DNAT rule (0 first)",
            "ruleName": "firewall: the DNAT rule's name",
            "ruleCollection": "firewall: rule collection (group/collection for policies)",
            "protocols": "firewall: protocols",
            "sourceAddresses": "firewall: source addresses",
            "sourceIpGroups": "firewall: source IP group ids",
            "destinationAddresses": "firewall: destination (public) addresses",
            "destinationPorts": "firewall: destination ports",
            "translatedAddress": "firewall: translated private address",
            "translatedFqdn": "firewall: translated FQDN (not resolved)",
            "translatedPort": "firewall: translated port",
            "policyId": "firewall: the policy that defines the rule (a base policy for inherited "
            "rules)",
            "resolved": "firewall: false when the edge loops on the firewall (target not found)",
            "unresolvedReason": "firewall: dnat-target-unresolved or dnat-fqdn-target",
        },
    },
    nouns={"azurefirewalls": "firewall"},
    entry="firewall-dnat",
    handler=firewall,
)

FIREWALL_POLICY = ResourceType(
    label=Label.FIREWALL_POLICY,
    meaning="an Azure Firewall policy with its rule collection groups",
    column="entry points",
    arm_types=("microsoft.network/firewallpolicies",),
    props={
        "ruleCollectionGroups": "JSON: the full rule collection groups",
    },
    joins=((Label.FIREWALL_POLICY, Rel.INHERITS_FROM, Label.FIREWALL_POLICY),),
    nouns={"firewallpolicies": "firewall policy"},
    handler=firewall_policy,
)

IP_GROUP = ResourceType(
    label=Label.IP_GROUP,
    meaning="an IP group (address list used by firewall rules)",
    column="entry points",
    arm_types=("microsoft.network/ipgroups",),
    props={
        "ipAddresses": "the group's addresses and prefixes",
    },
    nouns={"ipgroups": "IP group"},
    handler=ip_group,
)

BASTION = ResourceType(
    label=Label.BASTION,
    meaning="an Azure Bastion host",
    column="entry points",
    arm_types=("microsoft.network/bastionhosts",),
    props={
        "sku": "Basic, Standard, Premium or Developer",
    },
    joins=(
        (Label.PUBLIC_IP, Rel.ATTACHED_TO, Label.BASTION),
        (Label.BASTION, Rel.IN_SUBNET, Label.SUBNET),
        (Label.BASTION, Rel.CONNECTS_TO, Label.VIRTUAL_NETWORK),
    ),
    nouns={"bastionhosts": "Bastion"},
    entry="bastion",
    handler=bastion_host,
)

TYPES = (
    LOAD_BALANCER,
    APPLICATION_GATEWAY,
    WAF_POLICY,
    FIREWALL,
    FIREWALL_POLICY,
    IP_GROUP,
    BASTION,
)
