"""Identity and data channels into TRUSTS edges (docs/spec/identity-links.md).

Each channel is one ``TRUSTS`` edge from the resource of ours that holds the trust
to its far end: a Tenant, a Subscription (a placeholder when only the channel names
it, resolved through foreign.json like a linked one) or an ExternalParty for what
ARM names no tenant for (a foreign group, an external issuer, everyone). The edge
carries the channel and what the evidence must name: role and scope, or issuer and
subject. Our own tenant is not a far end: a trust inside it is no link.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from graph.build import governance
from graph.build.context import BuildContext, str_list
from graph.build.directory import ensure_tenant
from graph.build.ids import last_segment, props_of
from graph.resource_types import ResourceType
from graph.schema import Label, Rel, subscription_of, tenant_id

Handler = Callable[[BuildContext, dict[str, Any], str, str], None]

FOREIGN_GROUP_ROLE = "foreign-group-role"
LIGHTHOUSE_DELEGATED_ROLE = "lighthouse-delegated-role"
MANAGED_APPLICATION = "managed-application"
FEDERATED_CREDENTIAL = "federated-credential"
AKS_AAD_TENANT = "aks-aad-tenant"
KUSTO_TRUSTED_TENANT = "kusto-trusted-tenant"
PRIVATE_LINK_VISIBILITY = "private-link-visibility"
STORAGE_CROSS_TENANT = "storage-cross-tenant"
GALLERY_SHARING = "gallery-sharing"

# identity-links.md's channels, in its order
CHANNELS: tuple[str, ...] = (
    FOREIGN_GROUP_ROLE,
    LIGHTHOUSE_DELEGATED_ROLE,
    MANAGED_APPLICATION,
    FEDERATED_CREDENTIAL,
    AKS_AAD_TENANT,
    KUSTO_TRUSTED_TENANT,
    PRIVATE_LINK_VISIBILITY,
    STORAGE_CROSS_TENANT,
    GALLERY_SHARING,
)

ANY_TENANT = "any-tenant"
ANY_SUBSCRIPTION = "any-subscription"
COMMUNITY = "community"
FOREIGN_GROUP_PREFIX = "foreign-group:"
ISSUER_PREFIX = "issuer:"
KEY_APP_PREFIX = "key-app:"
DELEGATED_PREFIX = "lighthouse-delegated:"

_GUID = r"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
# Entra ID (public and sovereign clouds) and AKS OIDC issuers embed the tenant id
# (Learn: workload identity federation, "Important considerations"; AKS OIDC issuer).
_TENANT_ISSUERS = (
    re.compile(
        rf"^https://login\.(?:microsoftonline\.(?:com|us)|partner\.microsoftonline\.cn)/{_GUID}(?:/v2\.0)?/?$"
    ),
    re.compile(rf"^https://sts\.(?:windows\.net|chinacloudapi\.cn)/{_GUID}/?$"),
    re.compile(rf"^https://oidc\.prod-aks\.azure\.com/{_GUID}/"),
)


def issuer_tenant(issuer: str) -> str | None:
    """The tenant an Entra or AKS issuer URL names; None for any other identity provider."""
    for pattern in _TENANT_ISSUERS:
        match = pattern.match(issuer.strip())
        if match:
            return tenant_id(match.group(1))
    return None


def _guid(value: Any) -> str | None:
    text = str(value).strip() if isinstance(value, str) else ""
    return text.lower() if re.fullmatch(_GUID, text) else None


def _party(ctx: BuildContext, pid: str, kind: str, name: str) -> str:
    if "label" not in ctx.g.nodes.get(pid, {}):
        party = {"id": pid, "label": Label.EXTERNAL_PARTY.value, "name": name, "kind": kind}
        ctx.add(pid, {**party, "foreign": True})
    return pid


def _tenant(ctx: BuildContext, tid: str) -> str:
    ensure_tenant(ctx, tid)
    return tid


def _subscription(ctx: BuildContext, sid: str) -> str:
    ctx.subscription_refs.add(sid)
    if sid not in ctx.g:
        ctx.g.add_node(sid)  # a placeholder until resolve() knows what it is
    return sid


def _own_tenant(ctx: BuildContext, nid: str) -> str | None:
    sub = subscription_of(nid)
    return ctx.sub_tenant.get(sub) if sub else None


def _trust(
    ctx: BuildContext, src: str, dst: str, channel: str, disc: str = "", **props: Any
) -> None:
    ctx.edge(
        src, dst, Rel.TRUSTS, f"{channel}:{disc}" if disc else channel, channel=channel, **props
    )


# ------------------------------------------------------------------ role assignments


def role_assignment(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    governance.role_assignment(ctx, res, nid, arm_type)
    p = props_of(res)
    data = ctx.g.nodes[nid]
    role, scope = data.get("roleDefinitionGuid"), data.get("scope")
    principal = data.get("principalId")
    if str(p.get("principalType") or "").lower() == "foreigngroup" and principal:
        party = _party(ctx, FOREIGN_GROUP_PREFIX + principal, "foreign-group", principal)
        _trust(ctx, nid, party, FOREIGN_GROUP_ROLE, role=role, scope=scope, principalId=principal)
    delegated = p.get("delegatedManagedIdentityResourceId")
    if isinstance(delegated, str) and delegated.strip():
        # The managing tenant is joined once every delegation is known (resolve_delegated).
        data["delegatedManagedIdentityResourceId"] = delegated.strip().lower()


def resolve_delegated(ctx: BuildContext) -> None:
    """Role assignments a managing tenant created (Lighthouse policy remediation): the
    tenants that manage the assignment's subscription, else a party naming the subscription."""
    g = ctx.g
    role_assignment = Label.ROLE_ASSIGNMENT.value
    # the few such assignments, picked before the loop adds parties (a copy of every
    # node's item instead would cost about 100 MB at 1,000,000 resources)
    delegated = [
        (nid, data)
        for nid, data in g._node.items()
        if data.get("label") == role_assignment and data.get("delegatedManagedIdentityResourceId")
    ]
    for nid, data in delegated:
        sub = subscription_of(str(data.get("scope") or nid)) or subscription_of(nid)
        managers = sorted(
            {
                str(v)
                for _, v, d in g.out_edges(sub, data=True)
                if d.get("type") == Rel.MANAGED_BY.value
            }
            if sub and sub in g
            else set()
        )
        if not managers:
            managers = [
                _party(ctx, DELEGATED_PREFIX + (sub or nid), "lighthouse-delegated", sub or nid)
            ]
        for far in managers:
            _trust(
                ctx,
                nid,
                far,
                LIGHTHOUSE_DELEGATED_ROLE,
                role=data.get("roleDefinitionGuid"),
                scope=data.get("scope"),
                principalId=data.get("principalId"),
                via=data["delegatedManagedIdentityResourceId"],
            )


# ------------------------------------------------------------------ identities


def user_assigned_identity(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.MANAGED_IDENTITY, arm_type)
    props["principalId"] = _guid(p.get("principalId"))
    props["clientId"] = _guid(p.get("clientId"))
    ctx.add(nid, props)
    ctx.contain(nid)


def federated_credential(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    issuer = str(p.get("issuer") or "").strip()
    if not issuer:
        return
    identity = nid.rsplit("/federatedidentitycredentials/", 1)[0]
    tenant = issuer_tenant(issuer)
    if tenant is not None and tenant == _own_tenant(ctx, nid):
        return  # a workload of our own tenant
    far = (
        _tenant(ctx, tenant)
        if tenant
        else _party(ctx, ISSUER_PREFIX + issuer.lower().rstrip("/"), "issuer", issuer)
    )
    _trust(
        ctx,
        identity,
        far,
        FEDERATED_CREDENTIAL,
        last_segment(nid),
        issuer=issuer,
        subject=p.get("subject") if isinstance(p.get("subject"), str) else None,
        audiences=str_list(p.get("audiences")) or None,
        credentialId=nid,
    )


def managed_application(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.MANAGED_APPLICATION, arm_type)
    publisher = _guid(p.get("publisherTenantId"))
    group = p.get("managedResourceGroupId")
    jit = p.get("jitAccessPolicy")
    enabled = jit.get("jitAccessEnabled") if isinstance(jit, dict) else None
    props["publisherTenantId"] = publisher
    props["managedResourceGroupId"] = group.lower() if isinstance(group, str) else None
    props["jitAccessEnabled"] = enabled if isinstance(enabled, bool) else None
    ctx.add(nid, props)
    ctx.contain(nid)
    if not publisher or publisher == _own_tenant(ctx, nid):
        return
    far = _tenant(ctx, publisher)
    authorizations = [a for a in p.get("authorizations") or [] if isinstance(a, dict)]
    for auth in authorizations or [{}]:
        role = str(auth.get("roleDefinitionId") or "").rstrip("/").rsplit("/", 1)[-1].lower()
        principal = _guid(auth.get("principalId"))
        _trust(
            ctx,
            nid,
            far,
            MANAGED_APPLICATION,
            f"{role}:{principal}" if role else "",
            role=role or None,
            scope=props["managedResourceGroupId"],
            principalId=principal,
            jitAccessEnabled=props["jitAccessEnabled"],
        )


def _cluster_tenant(ctx: BuildContext, nid: str, p: dict[str, Any]) -> None:
    """An AKS cluster whose users sign in from another tenant (its node: paas.py)."""
    profile = p.get("aadProfile")
    tenant = _guid(profile.get("tenantID")) if isinstance(profile, dict) else None
    # Unset means the subscription's own tenant (ManagedClusterAADProfile reference).
    if tenant and tenant != _own_tenant(ctx, nid):
        _trust(ctx, nid, _tenant(ctx, tenant), AKS_AAD_TENANT, via="aadProfile.tenantID")


def _kusto_tenants(ctx: BuildContext, nid: str, p: dict[str, Any]) -> None:
    """The tenants a Data Explorer cluster trusts (its node: paas.py)."""
    own = _own_tenant(ctx, nid)
    for entry in p.get("trustedExternalTenants") or []:
        value = str(entry.get("value") or "").strip() if isinstance(entry, dict) else ""
        if value == "*":
            far = _party(ctx, ANY_TENANT, "everyone", "any tenant")
        elif (tenant := _guid(value)) and tenant != own:
            far = _tenant(ctx, tenant)
        else:
            continue
        _trust(ctx, nid, far, KUSTO_TRUSTED_TENANT, via="trustedExternalTenants")


def _visibility(ctx: BuildContext, nid: str, p: dict[str, Any]) -> None:
    own = subscription_of(nid)
    for key in ("visibility", "autoApproval"):
        block = p.get(key)
        for value in str_list(block.get("subscriptions") if isinstance(block, dict) else None):
            if value.strip() == "*" and key == "visibility":
                far = _party(ctx, ANY_SUBSCRIPTION, "everyone", "any subscription")
            elif (sub := _guid(value)) and sub != own:
                far = _subscription(ctx, sub)
            else:
                continue
            _trust(ctx, nid, far, PRIVATE_LINK_VISIBILITY, key, via=key)


def _storage(ctx: BuildContext, nid: str, p: dict[str, Any]) -> None:
    own = _own_tenant(ctx, nid)
    acls = p.get("networkAcls")
    for rule in (acls.get("resourceAccessRules") or []) if isinstance(acls, dict) else []:
        tenant = _guid(rule.get("tenantId")) if isinstance(rule, dict) else None
        if tenant and tenant != own:
            resource = rule.get("resourceId")
            _trust(
                ctx,
                nid,
                _tenant(ctx, tenant),
                STORAGE_CROSS_TENANT,
                str(resource).lower() if resource else "",
                via="resourceAccessRules",
                resourceId=resource if isinstance(resource, str) else None,
            )
    encryption = p.get("encryption")
    identity = encryption.get("identity") if isinstance(encryption, dict) else None
    client = (
        _guid(identity.get("federatedIdentityClientId")) if isinstance(identity, dict) else None
    )
    if client:
        party = _party(ctx, KEY_APP_PREFIX + client, "key-app", client)
        _trust(
            ctx,
            nid,
            party,
            STORAGE_CROSS_TENANT,
            "key",
            via="encryption.identity.federatedIdentityClientId",
        )


def replication_policy(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    account = nid.rsplit("/objectreplicationpolicies/", 1)[0]
    own = subscription_of(account)
    for key in ("sourceAccount", "destinationAccount"):
        other = p.get(key)
        sub = subscription_of(other) if isinstance(other, str) else None
        if sub and sub != own:
            _trust(
                ctx,
                account,
                _subscription(ctx, sub),
                STORAGE_CROSS_TENANT,
                last_segment(nid),
                via=key,
                policyId=nid,
                otherAccount=str(other),
            )


def gallery(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
    p = props_of(res)
    props = ctx.base_props(res, nid, Label.COMPUTE_GALLERY, arm_type)
    raw = p.get("sharingProfile")
    profile: dict[str, Any] = raw if isinstance(raw, dict) else {}
    permissions = profile.get("permissions")
    props["sharing"] = permissions if isinstance(permissions, str) else None
    ctx.add(nid, props)
    ctx.contain(nid)
    own_tenant, own_sub = _own_tenant(ctx, nid), subscription_of(nid)
    if str(permissions or "").lower() == "community":
        far = _party(ctx, COMMUNITY, "everyone", "every Azure user (community gallery)")
        _trust(ctx, nid, far, GALLERY_SHARING, COMMUNITY, via="permissions")
    for group in profile.get("groups") or []:
        if not isinstance(group, dict):
            continue
        kind = str(group.get("type") or "").lower()
        for value in str_list(group.get("ids")):
            guid = _guid(value)
            if guid and kind == "aadtenants" and guid != own_tenant:
                _trust(ctx, nid, _tenant(ctx, guid), GALLERY_SHARING, guid, via="AADTenants")
            elif guid and kind == "subscriptions" and guid != own_sub:
                _trust(
                    ctx, nid, _subscription(ctx, guid), GALLERY_SHARING, guid, via="Subscriptions"
                )


def _identity_or_credential(
    ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str
) -> None:
    if arm_type.endswith("/federatedidentitycredentials"):
        federated_credential(ctx, res, nid, arm_type)
    else:
        user_assigned_identity(ctx, res, nid, arm_type)


def _after(base: Handler, extra: Callable[[BuildContext, str, dict[str, Any]], None]) -> Handler:
    def handler(ctx: BuildContext, res: dict[str, Any], nid: str, arm_type: str) -> None:
        base(ctx, res, nid, arm_type)
        extra(ctx, nid, props_of(res))

    return handler


def handlers(existing: dict[str, Handler], fallback: Handler) -> dict[str, Handler]:
    """The channels of types other modules declare: role assignments, private link services,
    storage accounts, AKS and Data Explorer clusters keep their handler and gain their
    channels after it; replication
    policies (lines of their own under a storage account) add their account's."""
    extras = {
        "microsoft.network/privatelinkservices": _visibility,
        "microsoft.storage/storageaccounts": _storage,
        "microsoft.containerservice/managedclusters": _cluster_tenant,
        "microsoft.kusto/clusters": _kusto_tenants,
    }
    return {
        "microsoft.authorization/roleassignments": role_assignment,
        "microsoft.storage/storageaccounts/objectreplicationpolicies": replication_policy,
        **{t: _after(existing.get(t, fallback), extra) for t, extra in extras.items()},
    }


# -- declarations (graph/resource_types.py) ----------------------------------------

_COLUMN = "identity links"
_TO_TENANT = (Label.TENANT, Label.EXTERNAL_PARTY)

MANAGED_IDENTITY = ResourceType(
    label=Label.MANAGED_IDENTITY,
    meaning="a user-assigned managed identity; each federated credential is a TRUSTS edge",
    column=_COLUMN,
    arm_types=(
        "microsoft.managedidentity/userassignedidentities",
        "microsoft.managedidentity/userassignedidentities/federatedidentitycredentials",
    ),
    props={"principalId": "the identity's object id", "clientId": "its client id"},
    joins=tuple((Label.MANAGED_IDENTITY, Rel.TRUSTS, far) for far in _TO_TENANT),
    nouns={"userassignedidentities": "managed identity"},
    handler=_identity_or_credential,
)

MANAGED_APPLICATION_TYPE = ResourceType(
    label=Label.MANAGED_APPLICATION,
    meaning="a managed application; its publisher's tenant holds roles on its resource group",
    column=_COLUMN,
    arm_types=("microsoft.solutions/applications",),
    props={
        "publisherTenantId": "the publisher's tenant",
        "managedResourceGroupId": "the managed resource group (lower-cased)",
        "jitAccessEnabled": "just-in-time access enforced for the publisher (bool)",
    },
    joins=((Label.MANAGED_APPLICATION, Rel.TRUSTS, Label.TENANT),),
    nouns={"applications": "managed application"},
    handler=managed_application,
)

COMPUTE_GALLERY = ResourceType(
    label=Label.COMPUTE_GALLERY,
    meaning="an Azure Compute Gallery and whom it shares images with",
    column=_COLUMN,
    arm_types=("microsoft.compute/galleries",),
    props={"sharing": "sharingProfile.permissions (Private, Groups, Community)"},
    joins=tuple(
        (Label.COMPUTE_GALLERY, Rel.TRUSTS, far) for far in (*_TO_TENANT, Label.SUBSCRIPTION)
    ),
    nouns={"galleries": "compute gallery"},
    handler=gallery,
)

EXTERNAL_PARTY = ResourceType(
    label=Label.EXTERNAL_PARTY,
    meaning="a far end ARM names no tenant for: 'foreign-group:<object id>', 'issuer:<url>' "
    "(an external identity provider), 'key-app:<client id>' (a cross-tenant key's app), "
    "'lighthouse-delegated:<subscription>' (no managing tenant seen), 'any-tenant', "
    "'any-subscription' or 'community'",
    column=_COLUMN,
    props={"kind": "foreign-group, issuer, key-app, lighthouse-delegated or everyone"},
    # the channels of types declared elsewhere (handlers() above)
    joins=(
        *((Label.ROLE_ASSIGNMENT, Rel.TRUSTS, far) for far in _TO_TENANT),
        (Label.PRIVATE_LINK_SERVICE, Rel.TRUSTS, Label.SUBSCRIPTION),
        (Label.PRIVATE_LINK_SERVICE, Rel.TRUSTS, Label.EXTERNAL_PARTY),
        # storage accounts, AKS and Data Explorer clusters
        *((Label.PAAS_SERVICE, Rel.TRUSTS, far) for far in (*_TO_TENANT, Label.SUBSCRIPTION)),
    ),
    edge_props={
        Rel.TRUSTS: {
            "channel": "the identity-links.md channel (foreign-group-role, federated-credential, ...)",
            "via": "the field that names the far end (visibility, autoApproval, resourceAccessRules, ...)",
            "role": "access channels: the role definition GUID",
            "scope": "access channels: where the role is held (lower-cased)",
            "principalId": "the principal holding the role",
            "issuer": "federated-credential: the token issuer",
            "subject": "federated-credential: the subject (workload) it accepts",
            "audiences": "federated-credential: the audiences",
            "credentialId": "federated-credential: the credential's id",
            "jitAccessEnabled": "managed-application: just-in-time access enforced (bool)",
            "resourceId": "storage-cross-tenant: the other tenant's resource a firewall rule admits",
            "policyId": "storage-cross-tenant: the object replication policy",
            "otherAccount": "storage-cross-tenant: the replication policy's other account",
        }
    },
)

TYPES = (
    MANAGED_IDENTITY,
    MANAGED_APPLICATION_TYPE,
    COMPUTE_GALLERY,
    EXTERNAL_PARTY,
)
