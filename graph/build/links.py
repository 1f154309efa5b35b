"""Links that cross ownership: private endpoints (both directions), Lighthouse delegations,
network managers and their connections."""

from __future__ import annotations

from typing import Any

from graph.build.context import BuildContext, str_list
from graph.build.ids import alias_id, management_group_of, props_of, ref, refs, top_level_id
from graph.build.network import attach_ip_configuration
from graph.resource_types import ResourceType
from graph.schema import Label, Rel, node_id, subscription_id, subscription_of, tenant_id


def private_endpoint(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.PRIVATE_ENDPOINT, arm_type)
    ctx.add(nid, props)
    ctx.contain(nid)
    subnet = ref(p, "subnet")
    if subnet:
        ctx.edge(nid, subnet, Rel.IN_SUBNET)
    for asg in refs(p, "applicationSecurityGroups"):
        ctx.edge(nid, asg, Rel.MEMBER_OF)
    for key, manual in (
        ("privateLinkServiceConnections", False),
        ("manualPrivateLinkServiceConnections", True),
    ):
        for conn in p.get(key) or []:
            _outbound(ctx, nid, conn, manual)


def _outbound(ctx: BuildContext, pe: str, conn: Any, manual: bool) -> None:
    cp = props_of(conn)
    target_raw = cp.get("privateLinkServiceId")
    if not isinstance(target_raw, str) or not target_raw.strip():
        return
    if target_raw.strip().startswith("/"):
        target = node_id(target_raw)
        ctx.hint(target, armId=target_raw.strip())
    else:
        target = alias_id(target_raw)
        ctx.hint(target, armId=target_raw.strip())
    state = cp.get("privateLinkServiceConnectionState") or {}
    ctx.edge(
        pe,
        target,
        Rel.PRIVATE_LINK,
        "outbound",
        direction="outbound",
        status=state.get("status"),
        manual=manual,
        groupIds=str_list(cp.get("groupIds")),
        connectionId=node_id(conn["id"]) if isinstance(conn, dict) and conn.get("id") else None,
    )


def inbound_private_links(ctx: BuildContext, nid: str, p: dict[str, Any]) -> None:
    """privateEndpointConnections on our service: the (often foreign) endpoint links to it.

    The edge runs endpoint -> service like the outbound one, and carries the service's
    subscription as its scope, because our side observed it.
    """
    own_sub = subscription_of(nid)
    for conn in p.get("privateEndpointConnections") or []:
        cp = props_of(conn)
        pe_raw = (cp.get("privateEndpoint") or {}).get("id")
        if not isinstance(pe_raw, str) or not pe_raw.strip():
            continue
        pe = node_id(pe_raw)
        state = cp.get("privateLinkServiceConnectionState") or {}
        ctx.edge(
            pe,
            nid,
            Rel.PRIVATE_LINK,
            "inbound",
            direction="inbound",
            status=state.get("status"),
            groupIds=str_list(cp.get("groupIds")),
            connectionId=node_id(conn["id"]) if isinstance(conn, dict) and conn.get("id") else None,
            subscriptionId=own_sub,
        )
        ctx.hint(pe, armId=pe_raw.strip())


def private_link_service(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.PRIVATE_LINK_SERVICE, arm_type)
    props["alias"] = p.get("alias")
    ctx.add(nid, props)
    ctx.contain(nid)
    for ipc in p.get("ipConfigurations") or []:
        attach_ip_configuration(ctx, nid, ipc)
    # The load balancer frontend whose traffic the service carries ("What is Azure Private
    # Link service?"): consumers' endpoints reach that load balancer's backends.
    for frontend in refs(p, "loadBalancerFrontendIpConfigurations"):
        ctx.edge(
            nid,
            top_level_id(frontend),
            Rel.FORWARDS_TO,
            frontend,
            kind="private-link-service",
            frontendIPConfigId=frontend,
        )
    inbound_private_links(ctx, nid, p)


# -- Lighthouse -----------------------------------------------------------------


def registration_definition(
    ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str
) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.REGISTRATION_DEFINITION, arm_type)
    managing = p.get("managedByTenantId")
    props["managedByTenantId"] = tenant_id(managing) if isinstance(managing, str) else None
    props["managedByTenantName"] = p.get("managedByTenantName")
    props["definitionName"] = p.get("registrationDefinitionName")
    ctx.add(nid, props)
    ctx.contain(nid)
    if isinstance(managing, str) and managing.strip():
        ctx.registration_definitions[nid] = tenant_id(managing)


def registration_assignment(
    ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str
) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.REGISTRATION_ASSIGNMENT, arm_type)
    definition = ref(p, "registrationDefinitionId")
    props["registrationDefinitionId"] = definition
    ctx.add(nid, props)
    ctx.contain(nid)
    sub = subscription_of(nid)
    if not definition or not sub:
        return
    embedded = props_of(p.get("registrationDefinition"))
    managing = embedded.get("managedByTenantId")
    ctx.registration_assignments.append(
        (sub, definition, tenant_id(managing) if isinstance(managing, str) and managing else None)
    )


# -- network managers -------------------------------------------------------------


def network_manager(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    scopes = props_of(res).get("networkManagerScopes") or {}
    subs = [
        subscription_id(s.rstrip("/").rsplit("/", 1)[-1])
        for s in str_list(scopes.get("subscriptions"))
        if s.strip()
    ]
    groups = [node_id(g) for g in str_list(scopes.get("managementGroups")) if g.strip()]
    props = ctx.base_props(res, nid, Label.NETWORK_MANAGER, arm_type)
    props["scopeSubscriptions"] = subs
    props["scopeManagementGroups"] = groups
    ctx.add(nid, props)
    ctx.contain(nid)
    for sub in subs:
        ctx.subscription_refs.add(sub)
        ctx.edge(nid, sub, Rel.SCOPES)
    for group in groups:
        ctx.edge(nid, group, Rel.SCOPES)


def network_manager_connection(
    ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str
) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.NETWORK_MANAGER_CONNECTION, arm_type)
    manager = ref(p, "networkManagerId")
    props["networkManagerId"] = manager
    group = management_group_of(nid)
    if group:
        props["managementGroupId"] = group
        mg_tenant = (ctx.g.nodes.get(group) or {}).get("tenantId")
        if mg_tenant:
            props["tenantId"] = mg_tenant
    ctx.add(nid, props)
    if group:
        ctx.edge(group, nid, Rel.CONTAINS)
    else:
        ctx.contain(nid)
    if manager:
        ctx.edge(nid, manager, Rel.CONNECTS_TO, connectionId=nid, state=p.get("connectionState"))
        raw = p.get("networkManagerId")
        if isinstance(raw, str):
            ctx.hint(manager, armId=raw.strip())


# -- declarations (graph/resource_types.py) ----------------------------------------

REGISTRATION_DEFINITION = ResourceType(
    label=Label.REGISTRATION_DEFINITION,
    meaning="a Lighthouse registration definition (the managing tenant and its roles)",
    column="directory",
    arm_types=("microsoft.managedservices/registrationdefinitions",),
    props={
        "managedByTenantId": "the managing tenant",
        "managedByTenantName": "the managing tenant's name",
        "definitionName": "registrationDefinitionName",
    },
    joins=((Label.SUBSCRIPTION, Rel.CONTAINS, Label.REGISTRATION_DEFINITION),),
    nouns={"registrationdefinitions": "Lighthouse definition"},
    handler=registration_definition,
)

REGISTRATION_ASSIGNMENT = ResourceType(
    label=Label.REGISTRATION_ASSIGNMENT,
    meaning="a Lighthouse registration assignment (the delegation of a scope)",
    column="directory",
    arm_types=("microsoft.managedservices/registrationassignments",),
    props={
        "registrationDefinitionId": "the definition it assigns",
    },
    joins=((Label.SUBSCRIPTION, Rel.CONTAINS, Label.REGISTRATION_ASSIGNMENT),),
    nouns={"registrationassignments": "Lighthouse assignment"},
    handler=registration_assignment,
)

NETWORK_MANAGER = ResourceType(
    label=Label.NETWORK_MANAGER,
    meaning="an Azure Virtual Network Manager",
    column="directory",
    arm_types=("microsoft.network/networkmanagers",),
    props={
        "scopeSubscriptions": "subscription GUIDs in networkManagerScopes",
        "scopeManagementGroups": "management group ids in networkManagerScopes",
    },
    joins=(
        (Label.NETWORK_MANAGER, Rel.SCOPES, Label.SUBSCRIPTION),
        (Label.NETWORK_MANAGER, Rel.SCOPES, Label.MANAGEMENT_GROUP),
    ),
    nouns={"networkmanagers": "network manager"},
    handler=network_manager,
)

NETWORK_MANAGER_CONNECTION = ResourceType(
    label=Label.NETWORK_MANAGER_CONNECTION,
    meaning="a connection of a subscription or management group to a network manager",
    column="directory",
    arm_types=("microsoft.network/networkmanagerconnections",),
    props={
        "networkManagerId": "the network manager it connects its scope to",
        "managementGroupId": "the management group it sits on (group-scope connections)",
    },
    joins=(
        (Label.MANAGEMENT_GROUP, Rel.CONTAINS, Label.NETWORK_MANAGER_CONNECTION),
        (Label.NETWORK_MANAGER_CONNECTION, Rel.CONNECTS_TO, Label.NETWORK_MANAGER),
    ),
    nouns={"networkmanagerconnections": "network manager connection"},
    handler=network_manager_connection,
)

PRIVATE_ENDPOINT = ResourceType(
    label=Label.PRIVATE_ENDPOINT,
    meaning="a private endpoint",
    column="private links",
    arm_types=("microsoft.network/privateendpoints",),
    joins=(
        (Label.PRIVATE_ENDPOINT, Rel.IN_SUBNET, Label.SUBNET),
        (Label.PRIVATE_ENDPOINT, Rel.PRIVATE_LINK, Label.PAAS_SERVICE),
        (Label.PRIVATE_ENDPOINT, Rel.PRIVATE_LINK, Label.PRIVATE_LINK_SERVICE),
        (Label.PRIVATE_ENDPOINT, Rel.PRIVATE_LINK, Label.RESOURCE),
        (Label.PRIVATE_ENDPOINT, Rel.MEMBER_OF, Label.ASG),
    ),
    edge_props={
        Rel.PRIVATE_LINK: {
            "direction": "outbound (seen on our endpoint) or inbound (seen on our service)",
            "status": "Approved, Pending, Rejected or Disconnected",
            "manual": "outbound: a manual (approval-requiring) connection",
            "groupIds": "the target sub-resources (blob, vault, sqlServer, ...)",
            "connectionId": "the connection's id",
        },
    },
    nouns={"privateendpoints": "private endpoint"},
    handler=private_endpoint,
)

PRIVATE_LINK_SERVICE = ResourceType(
    label=Label.PRIVATE_LINK_SERVICE,
    meaning="a private link service",
    column="private links",
    arm_types=("microsoft.network/privatelinkservices",),
    props={
        "alias": "the service alias (alias:<...> placeholders: the alias)",
    },
    joins=(
        (Label.PRIVATE_LINK_SERVICE, Rel.IN_SUBNET, Label.SUBNET),
        (Label.PRIVATE_LINK_SERVICE, Rel.FORWARDS_TO, Label.LOAD_BALANCER),
    ),
    nouns={
        "privatelinkservices": "private link service",
        "privateendpointconnections": "PE connection",
    },
    handler=private_link_service,
)

TYPES = (
    REGISTRATION_DEFINITION,
    REGISTRATION_ASSIGNMENT,
    NETWORK_MANAGER,
    NETWORK_MANAGER_CONNECTION,
    PRIVATE_ENDPOINT,
    PRIVATE_LINK_SERVICE,
)
