"""The inventory's optional `governance` section (docs/spec/governance.md, "Declared baseline").

Its own module so the inventory loader gains one field: the checks here raise
pydantic errors the loader already maps to ``file:line: path: message``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, StrictBool
from pydantic_core import PydanticCustomError

from reports.safe_text import first_unsafe

# Azure built-in role names and their role definition GUIDs (the same in every
# tenant and cloud: Azure RBAC built-in roles reference). A role may be given by
# either; the analysis compares GUIDs.
BUILT_IN_ROLES: dict[str, str] = {
    "Owner": "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "Contributor": "b24988ac-6180-42a0-ab88-20f7382dd24c",
    "Reader": "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    "User Access Administrator": "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
    "Security Reader": "39bc4728-0917-49c7-9d2c-d95423bc2eb4",
    "Security Admin": "fb1c8493-542b-48eb-b624-b4c8fea62acd",
    "Monitoring Reader": "43d0d8ad-25c7-4714-9337-8ba259a9fe05",
    "Log Analytics Reader": "73c42c96-874c-492b-b04d-ab87d138a893",
    "Management Group Reader": "ac63b705-f282-497d-ac71-919bf39d939d",
    "Resource Policy Contributor": "36243c78-bf99-498c-9df9-86d9f8d28608",
    "Reader and Data Access": "c12c1c16-33a1-487b-954d-41c89c60f349",
}
_ROLE_BY_LOWER = {name.lower(): guid for name, guid in BUILT_IN_ROLES.items()}
ROLE_NAMES: dict[str, str] = {guid: name for name, guid in BUILT_IN_ROLES.items()}

# Microsoft.Security/pricings names (the plans of Defender for Cloud's pricings API).
DEFENDER_PLANS: tuple[str, ...] = (
    "VirtualMachines",
    "SqlServers",
    "AppServices",
    "StorageAccounts",
    "SqlServerVirtualMachines",
    "KeyVaults",
    "Dns",
    "Arm",
    "OpenSourceRelationalDatabases",
    "Containers",
    "CosmosDbs",
    "CloudPosture",
    "Api",
    "AI",
)
_PLAN_BY_LOWER = {p.lower(): p for p in DEFENDER_PLANS}

_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_DEFINITION = re.compile(
    r"^(/providers/microsoft\.management/managementgroups/[^/]+|/subscriptions/[0-9a-f-]{36})?"
    r"/providers/microsoft\.authorization/policy(set)?definitions/[^/]+$",
    re.I,
)
_MG_NAME = re.compile(r"^[A-Za-z0-9_().-]{1,90}$")


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else repr(value)


def _bad(value: Any, what: str) -> PydanticCustomError:
    return PydanticCustomError("bad_value", "{v} is not {what}", {"v": _shown(value), "what": what})


def _check_role(value: Any) -> str:
    """A built-in role name (any letter case) or a role definition GUID; returned as the GUID."""
    if isinstance(value, str):
        text = value.strip()
        if _GUID.match(text):
            return text.lower()
        if text.lower() in _ROLE_BY_LOWER:
            return _ROLE_BY_LOWER[text.lower()]
    raise _bad(value, "a built-in role name (e.g. Reader, Security Reader) or a role GUID")


def _check_plan(value: Any) -> str:
    if isinstance(value, str) and value.strip().lower() in _PLAN_BY_LOWER:
        return _PLAN_BY_LOWER[value.strip().lower()]
    raise PydanticCustomError(
        "bad_value",
        "{v} is not a Defender plan (one of {plans})",
        {"v": _shown(value), "plans": ", ".join(DEFENDER_PLANS)},
    )


def _check_definition(value: Any) -> str:
    if isinstance(value, str) and _DEFINITION.match(value.strip().rstrip("/")):
        return value.strip().rstrip("/")
    raise _bad(
        value, "a policy or policy set definition id (/providers/.../policySetDefinitions/…)"
    )


def _check_principal(value: Any) -> str:
    if isinstance(value, str) and _GUID.match(value.strip()):
        return value.strip().lower()
    raise _bad(value, "a principal object id (a GUID)")


def _check_group(value: Any) -> str:
    if isinstance(value, str) and _MG_NAME.match(value.strip()):
        return value.strip()
    raise _bad(value, "a management group id (its name, not its display name)")


def _check_label(value: Any) -> str:
    if isinstance(value, str) and value.strip():
        # names reach mail headers, terminals and reports: one line, no control character
        bad = first_unsafe(value.strip())
        if bad is not None:
            raise PydanticCustomError(
                "bad_value",
                "the text holds a control character ({c}): write it on one line without it",
                {"c": bad},
            )
        return value.strip()
    raise _bad(value, "a non-empty name")


RoleGuid = Annotated[str, BeforeValidator(_check_role)]
PlanName = Annotated[str, BeforeValidator(_check_plan)]
DefinitionId = Annotated[str, BeforeValidator(_check_definition)]
PrincipalId = Annotated[str, BeforeValidator(_check_principal)]
GroupName = Annotated[str, BeforeValidator(_check_group)]
Label = Annotated[str, BeforeValidator(_check_label)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PolicyDecl(_Model):
    definition: DefinitionId
    name: Label | None = None
    enforcement: Literal["any", "default"] = "any"

    @property
    def label(self) -> str:
        return self.name or self.definition.rsplit("/", 1)[-1]


class ReaderDecl(_Model):
    principal: PrincipalId
    name: Label | None = None
    roles: list[RoleGuid]

    @property
    def label(self) -> str:
        return self.name or self.principal


class TenantControlsDecl(_Model):
    block_subscriptions_entering: StrictBool | None = None
    default_management_group: GroupName | None = None


class GovernanceDecl(_Model):
    applies_to: Literal["connected", "all"] = "connected"
    root_management_group: GroupName | None = None
    policy_assignments: list[PolicyDecl] = []
    defender_plans: list[PlanName] = []
    security_contact: StrictBool = False
    readers: list[ReaderDecl] = []
    tenant_controls: TenantControlsDecl | None = None

    def controls(self) -> list[str]:
        """The subscription controls this baseline declares, as governance.md names them."""
        out = ["placement"] if self.root_management_group else []
        out += [f"policy:{p.label}" for p in self.policy_assignments]
        out += [f"defender:{plan}" for plan in self.defender_plans]
        out += ["security-contact"] if self.security_contact else []
        out += [f"reader:{r.label}" for r in self.readers]
        return out

    def tenant_control_names(self) -> list[str]:
        tc = self.tenant_controls
        if tc is None:
            return []
        out = ["block-subscriptions-entering"] if tc.block_subscriptions_entering else []
        out += ["default-management-group"] if tc.default_management_group else []
        return out

    def summary(self) -> list[str]:
        """Lines for `inventory check`: what the baseline asks, one control a line."""
        lines = [f"applies to: {self.applies_to} subscriptions"]
        lines += [f"control: {name}" for name in self.controls()]
        lines += [f"tenant control: {name}" for name in self.tenant_control_names()]
        return lines
