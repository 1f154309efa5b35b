"""Which sources admit the internet (exposure.md, "Internet sources").

A rule's sources are read together (singular and plural fields): ``*``,
``Any`` and the ``Internet`` service tag admit every address of both families;
otherwise the rule's IP prefixes are collapsed per family and compared with
the family's public space by address coverage (``ipaddress``, not strings):

* **full**: every public address of the family is covered (``0.0.0.0/0``, or
  ``0.0.0.0/1`` with ``128.0.0.0/1``; ``::/0``);
* **broad**: the public addresses covered add up to at least a /8's worth of
  the family (2**24 for IPv4, 2**120 for IPv6) but not all of it.

Other service tags (``AzureCloud``, ``GatewayManager``, ...), ``VirtualNetwork``,
``AzureLoadBalancer`` and private prefixes never admit the internet.

Public space is the family minus the ranges that are never routed from the
internet (IANA special-purpose registries: RFC 1918, CGNAT, loopback,
link-local, multicast and reserved; for IPv6 everything outside 2000::/3).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

IPV4: int = 4
IPV6: int = 6
FAMILIES = (IPV4, IPV6)

_EVERYTHING = frozenset({"*", "any", "internet"})

_NOT_PUBLIC_V4 = [
    ipaddress.IPv4Network(n)
    for n in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "224.0.0.0/3",
    )
]


def _public_v4() -> list[IpNetwork]:
    remaining: list[IpNetwork] = [ipaddress.IPv4Network("0.0.0.0/0")]
    for hole in _NOT_PUBLIC_V4:
        nxt: list[IpNetwork] = []
        for net in remaining:
            if net.overlaps(hole):
                nxt.extend(net.address_exclude(hole))  # type: ignore[arg-type]
            else:
                nxt.append(net)
        remaining = nxt
    return sorted(ipaddress.collapse_addresses(remaining))  # type: ignore[type-var]


PUBLIC_SPACE: dict[int, tuple[IpNetwork, ...]] = {
    IPV4: tuple(_public_v4()),
    IPV6: (ipaddress.IPv6Network("2000::/3"),),
}
PUBLIC_SIZE = {family: sum(n.num_addresses for n in PUBLIC_SPACE[family]) for family in FAMILIES}
# "At least a /8's worth of addresses", read per family as a /8 prefix of that family.
BROAD_SIZE = {IPV4: 2 ** (32 - 8), IPV6: 2 ** (128 - 8)}


@dataclass(frozen=True, slots=True)
class Coverage:
    """The families a rule's sources admit the internet of: wholly, or broadly only."""

    full: frozenset[int] = frozenset()
    broad: frozenset[int] = frozenset()

    def admits(self, family: int, *, broad: bool = True) -> bool:
        return family in self.full or (broad and family in self.broad)


NONE = Coverage()
EVERYTHING = Coverage(full=frozenset(FAMILIES))


def _public_covered(nets: list[IpNetwork], family: int) -> int:
    """How many public addresses of ``family`` the (collapsed) networks cover."""
    total = 0
    for net in nets:
        for public in PUBLIC_SPACE[family]:
            # CIDR blocks either nest or are disjoint: the overlap is the smaller one.
            if net.overlaps(public):
                total += min(net.num_addresses, public.num_addresses)
    return total


@lru_cache(maxsize=65536)
def _coverage(tokens: tuple[str, ...]) -> Coverage:
    by_family: dict[int, list[IpNetwork]] = {IPV4: [], IPV6: []}
    for token in tokens:
        if token in _EVERYTHING:
            return EVERYTHING
        try:
            net = ipaddress.ip_network(token, strict=False)
        except ValueError:
            continue  # a service tag other than Internet: a known source
        by_family[net.version].append(net)
    full: set[int] = set()
    broad: set[int] = set()
    for family, nets in by_family.items():
        if not nets:
            continue
        collapsed = list(ipaddress.collapse_addresses(nets))  # type: ignore[type-var]
        covered = _public_covered(collapsed, family)
        if covered >= PUBLIC_SIZE[family]:
            full.add(family)
        elif covered >= BROAD_SIZE[family]:
            broad.add(family)
    if not full and not broad:
        return NONE
    return Coverage(full=frozenset(full), broad=frozenset(broad))


def coverage(sources: Iterable[str]) -> Coverage:
    """What the sources of one rule admit of the internet (letter case ignored)."""
    tokens = tuple(sorted({s.strip().lower() for s in sources if s and s.strip()}))
    return _coverage(tokens) if tokens else NONE


def family_of(address: object, version: object = None) -> int:
    """The address family of a frontend: from its address (an IPv6 address always has a
    colon, an IPv4 one never), else its declared version, else IPv4."""
    if isinstance(address, str) and address.strip():
        return IPV6 if ":" in address else IPV4
    if isinstance(version, str) and version.strip().lower() == "ipv6":
        return IPV6
    return IPV4
