"""A local Azure: serves an estate folder (snapshot.md layout) over HTTPS on 127.0.0.1.

The unmodified azure-identity and azure-mgmt-* clients talk to it as to Azure
(`authority=emu.authority_url`, `base_url=emu.arm_url`,
`connection_verify=emu.ca_file`). It serves only reads: GET, plus the POSTs
of Resource Graph queries and `getEntities`; every other method answers 405
and is logged, so a crawler's read-only promise is testable.

Identity
    `/{tenant}/v2.0/.well-known/openid-configuration` and
    `/{tenant}/oauth2/v2.0/token` (client credentials). The principal's home
    tenant is `emulator.json principal.tenantId`, else the first tenant in
    tenants.json with tenantCategory Home. Tokens are issued for the home
    tenant and every Home tenant of tenants.json; a ProjectedBy/ManagedBy
    (Lighthouse) tenant answers 400 AADSTS700016 (the app is not in that
    directory, as in Azure), an unknown tenant 400 AADSTS90002, a wrong
    client id or secret 401 invalid_client (AADSTS700016 / AADSTS7000215).
    Credentials: `principal.clientId` / `principal.clientSecret`, or the
    defaults on the handle. A token is JWT-shaped, its payload readable
    (`tid`, `exp`, ...), HMAC-signed with a key made at start; it lives
    `tokenLifetimeSeconds` (3600), then ARM answers 401
    ExpiredAuthenticationToken. Under five minutes, the unmodified SDK
    (MSAL's cache, azure-core's policy) renews the token before every
    request, so to make a client hold an expired token,
    `tokenReportedLifetimeSeconds` makes the token endpoint report a longer
    `expires_in` than the real lifetime: the client keeps a token the
    emulator refuses, and must recover by asking for a new one.

What a token for tenant T sees
    - `/tenants`: every tenant in tenants.json, whatever T.
    - `/subscriptions`: the subscriptions whose `tenantId` is T, plus those
      whose `managedByTenants` names T (Lighthouse: a delegated subscription
      appears in the managing tenant's list, with its own tenantId).
    - Anything under `/subscriptions/{id}`: 404 SubscriptionNotFound if the
      id is neither in subscriptions.json nor in `foreignSubscriptions`;
      readable if T may list it; else, as Azure does, 401
      InvalidAuthenticationTokenTenant with a challenge naming the owning
      tenant when that tenant is not T, and 403 AuthorizationFailed when it
      is T (a subscription of T the principal has no role on).
    - Management groups (getEntities, managementGroups list (paged with
      `@nextLink`, as ARM and its SDK do), get with
      `$expand=children&$recurse=true`, descendants): the entities of
      management-groups.json whose `properties.tenantId` is T; a group of
      another tenant answers 403 AuthorizationFailed, an unknown one 404.
    - `deny`: every ARM call whose path lies under a listed scope answers
      that status with code AuthorizationFailed (the subscription is still
      listed); Resource Graph silently leaves such scopes out.

Without a token, anything under `/subscriptions/{id}` answers 401 with
`WWW-Authenticate: Bearer authorization_uri="https://login.windows.net/{tenant}",
error="invalid_token", error_description="..."` naming the subscription's
tenant (subscriptions.json or `foreignSubscriptions`), or 404 for an
unknown subscription; other paths name `common`.

Order of checks for ARM calls (as ARM): method (405), token (401),
throttling (429), api-version (400), subscription tenancy (404/401/403),
`deny`, seeded faults (500/503), then the answer.

Lists and paging
    Lists at subscription and resource-group scope (`/providers/{ns}/{type}`,
    types case-insensitive; answers keep ARM's canonical casing), resource
    groups (derived from the resource ids), the generic `/resources` list
    (with `$filter=resourceType eq '...'`), GET by id of resources and of
    embedded children, the child lists ARM offers (peerings, subnets, rules,
    circuit authorizations and peerings, Global Reach `connections`,
    `expressRouteConnections` (unpaged, as ARM), `hubVirtualNetworkConnections`,
    `ruleCollectionGroups`, load balancer parts, routes, ...), Lighthouse
    registrations at any scope, and networkManagerConnections at
    subscription and management-group scope. Virtual hubs are served without
    `hubVirtualNetworkConnections` and firewall policies with
    `ruleCollectionGroups` as `{id}` references only, as ARM does: the full
    items come from the child lists. Pages hold `pageSize` (50) items, or
    `$top`; `nextLink` is absolute (`nextLinkStyle: "relative"` for a path)
    and carries an opaque MAC-checked `$skiptoken`; a bad one answers 400.

Resource Graph
    `POST /providers/Microsoft.ResourceGraph/resources`: the KQL subset of
    docs/dev/interfaces.md, objectArray or table results, `$top` <= 1000,
    `$skip`, `$skipToken`, at most 1,000 subscriptions (else 400),
    unreadable or denied subscriptions silently left out. Its quota is per
    tenant: `resourceGraphQuota` queries per window (15 per 5 s), headers
    `x-ms-user-quota-remaining` / `x-ms-user-quota-resets-after`, 429 with
    Retry-After past it; `null` switches it off. Resource Graph calls do not
    draw on the ARM read buckets.

Throttling, latency, faults
    `throttle` (readsBucket 250, readsPerSecond 25): a token bucket per
    subscription for calls with one in the path and one per token tenant for
    the others; every ARM answer carries
    `x-ms-ratelimit-remaining-subscription-reads` or
    `-tenant-reads`; past it 429 TooManyRequests with Retry-After (seconds).
    `"throttle": null` switches throttling off (benchmarks); the headers then
    stay at 249. `latencyMs` delays every request. `faults` (`seed`,
    `rate5xx`) fails a seeded share of authenticated ARM calls with 500
    InternalServerError or 503 ServiceUnavailable (never token endpoints);
    the draw hashes the seed with the request and how often it was seen, so
    a run is reproducible whatever the concurrency, and a retry draws anew.

Broken and hostile answers
    `tamper`: a list of rules, each a request path and a fault (redirect,
    noContent, empty, malformed, notList, notObjects, truncated, loop,
    gzipBomb, foreignNextLink, retryAfter), limited to the first or the next
    pages and, for Resource Graph, to queries containing a text (tamper.py).
    Requests that arrive under another host name (a tampered link followed)
    are kept for `EmulatorHandle.foreign_requests()`.

Every request is logged in memory (`EmulatorHandle.request_log()`: method,
path, query, status, tenant) and, with `request_log_file` or emulator.json
`requestLogFile`, as JSON lines.
"""

from discovery.emulator.errors import EstateError
from discovery.emulator.server import EmulatorHandle, running_emulator, serve

__all__ = ["EmulatorHandle", "EstateError", "running_emulator", "serve"]
