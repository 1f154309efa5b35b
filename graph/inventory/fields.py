"""The value checks behind the inventory's fields: each turns what the YAML author wrote
into the canonical value or a one-line reason naming what to fix."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import urllib.parse
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError

from reports.model import KINDS as FINDING_KINDS
from reports.safe_text import first_unsafe

_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
# /subscriptions/<guid>/resourceGroups/<rg>/providers/<Namespace>/<type>/<name>[/<type>/<name>]...
_ARM_ID = re.compile(
    r"^/subscriptions/[0-9a-f-]{36}/resourcegroups/[^/]+/providers/[^/]+(/[^/]+/[^/]+)+$", re.I
)
_CIRCUIT_TYPE = "microsoft.network/expressroutecircuits"
_PORT_RANGE = re.compile(r"^(\d{1,5})(?:-(\d{1,5}))?$")
_FQDN = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$",
    re.I,
)


def as_written(value: Any) -> str:
    """A value as the YAML author wrote it: "text", 12, true, null."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else repr(value)


def _require_str(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError(
            "bad_value", "{v} is not {what}", {"v": as_written(value), "what": what}
        )
    return value.strip()


def _guid(what: str) -> Any:
    def check(value: Any) -> str:
        text = _require_str(value, what)
        if not _GUID.match(text):
            raise PydanticCustomError(
                "bad_value", "{v} is not {what}", {"v": as_written(value), "what": what}
            )
        return text.lower()

    return BeforeValidator(check)


def _arm_id(what: str, arm_type: str | None = None) -> Any:
    def check(value: Any) -> str:
        text = _require_str(value, what).rstrip("/")
        ok = bool(_ARM_ID.match(text))
        if ok and arm_type is not None:
            parts = text.lower().split("/")
            ok = "/".join(parts[6:8]) == arm_type and len(parts) == 9
        if not ok:
            raise PydanticCustomError(
                "bad_value", "{v} is not {what}", {"v": as_written(value), "what": what}
            )
        return text

    return BeforeValidator(check)


def _check_ip(value: Any) -> str:
    text = _require_str(value, "an IP address")
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise PydanticCustomError(
            "bad_value", "{v} is not an IP address", {"v": as_written(value)}
        ) from None


def _check_prefix(value: Any) -> str:
    text = _require_str(value, "an address prefix (a.b.c.d/n)")
    try:
        return str(ipaddress.ip_network(text, strict=False))
    except ValueError:
        raise PydanticCustomError(
            "bad_value", "{v} is not an address prefix (a.b.c.d/n)", {"v": as_written(value)}
        ) from None


def _check_fqdn(value: Any) -> str:
    text = _require_str(value, "a host name")
    if not _FQDN.match(text):
        raise PydanticCustomError("bad_value", "{v} is not a host name", {"v": as_written(value)})
    return text.lower()


def _check_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise PydanticCustomError(
        "bad_value", "{v} is not a date (YYYY-MM-DD)", {"v": as_written(value)}
    )


def _check_port(value: Any) -> str:
    """One approval port: 443, "443", "8080-8090" or "*"; returned as text."""
    if isinstance(value, int | str) and not isinstance(value, bool):
        text = str(value).strip()
        if text == "*":
            return text
        match = _PORT_RANGE.match(text)
        if match:
            low = int(match.group(1))
            high = int(match.group(2) or low)
            if low <= high <= 65535:
                return text
    raise PydanticCustomError(
        "bad_value",
        '{v} is not a port, a "low-high" range or "*" (ports are 0-65535)',
        {"v": as_written(value)},
    )


def _check_version(value: Any) -> int:
    if isinstance(value, bool) or value != 1 or not isinstance(value, int):
        raise PydanticCustomError(
            "bad_value", "{v} is not a supported version (only 1)", {"v": as_written(value)}
        )
    return 1


def _check_kind(value: Any) -> str:
    text = _require_str(value, "a finding kind")
    if text not in FINDING_KINDS:
        raise PydanticCustomError(
            "bad_value",
            "{v} is not a finding kind (one of {kinds})",
            {"v": as_written(value), "kinds": ", ".join(FINDING_KINDS)},
        )
    return text


def _one_line(text: str) -> str:
    """Free text goes into mail headers, terminals and reports: no CR/LF, escape or bidi control.

    Surrounding whitespace (the newline a YAML block scalar ends with) is dropped first."""
    text = text.strip()
    bad = first_unsafe(text)
    if bad is not None:
        raise PydanticCustomError(
            "bad_value",
            "the text holds a control character ({c}): write it on one line without it",
            {"c": bad},
        )
    return text


def _check_text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PydanticCustomError("bad_value", "{v} is not a text", {"v": as_written(value)})
    return _one_line(str(value))


def _check_name(value: Any) -> str:
    text = _require_str(value, "a name")
    if not text:
        raise PydanticCustomError("bad_value", "the name is empty", {})
    return _one_line(text)


def _lower(value: str) -> str:
    return value.lower()


def _check_issuer(value: Any) -> str:
    """An issuer URL as a federated credential names it: https, a host, no spaces."""
    text = _require_str(value, "an issuer URL")
    parts = urllib.parse.urlsplit(text)
    if parts.scheme != "https" or not parts.hostname or any(c.isspace() for c in text):
        raise PydanticCustomError(
            "bad_value",
            "{v} is not an https issuer URL (https://host/...)",
            {"v": as_written(value)},
        )
    return text.rstrip("/").lower()


SubscriptionGuid = Annotated[str, _guid("a subscription id (a GUID)")]
PrincipalGuid = Annotated[str, _guid("a principal object id (a GUID)")]
IssuerUrl = Annotated[str, BeforeValidator(_check_issuer)]
TenantGuid = Annotated[str, _guid("a tenant id (a GUID)")]
CircuitId = Annotated[str, _arm_id("an ExpressRoute circuit id (an ARM id)", _CIRCUIT_TYPE)]
ResourceId = Annotated[str, _arm_id("a resource id (an ARM id)")]
IpText = Annotated[str, BeforeValidator(_check_ip)]
PrefixText = Annotated[str, BeforeValidator(_check_prefix)]
FqdnText = Annotated[str, BeforeValidator(_check_fqdn)]
DateValue = Annotated[dt.date, BeforeValidator(_check_date)]
PortText = Annotated[str, BeforeValidator(_check_port)]
KindText = Annotated[str, BeforeValidator(_check_kind)]
Text = Annotated[str, BeforeValidator(_check_text)]
NameText = Annotated[str, BeforeValidator(_check_name)]

VersionNumber = Annotated[int, BeforeValidator(_check_version)]
SubjectText = Annotated[str, BeforeValidator(_check_name), AfterValidator(_lower)]
