"""Port sets per protocol: what an NSG rule, a listener or a DNAT rule opens.

A :class:`PortSet` is immutable and holds, per protocol (``icmp``, ``tcp``,
``udp``), a sorted tuple of maximal, non-overlapping inclusive port ranges.
ICMP has no ports: it is either absent or the whole range, shown as ``"*"``.
ESP and AH (and any other protocol) are not reported (findings.md), so parsing
them gives the empty set.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

MIN_PORT: Final = 0
MAX_PORT: Final = 65535

TCP: Final = "tcp"
UDP: Final = "udp"
ICMP: Final = "icmp"
# Sorted by name: the order the report uses.
PROTOCOLS: Final = (ICMP, TCP, UDP)

# Management ports (findings.md, severity): SSH, RDP, WinRM over HTTP and HTTPS.
MANAGEMENT_TCP_PORTS: Final = (22, 3389, 5985, 5986)

Range = tuple[int, int]
Ranges = tuple[Range, ...]

_ANY = frozenset({"*", "any"})
_FULL: Final[Ranges] = ((MIN_PORT, MAX_PORT),)


def protocols_of(protocol: str) -> tuple[str, ...]:
    """The reported protocols an ARM protocol value covers (case-insensitive).

    ``*``/``Any`` covers tcp, udp and icmp; ``Esp``, ``Ah`` and unknown values
    cover nothing we report.
    """
    value = protocol.strip().lower()
    if value in _ANY:
        return PROTOCOLS
    if value in PROTOCOLS:
        return (value,)
    return ()


def parse_ranges(specs: Iterable[str | int] | str | int | None) -> Ranges:
    """Ranges from ARM port specs: ``"*"``, ``"22"``, ``"8080-8090"``, ints, lists of them.

    A spec may also hold comma-separated parts (firewall rules allow it).
    Raises ValueError naming the bad spec.
    """
    if specs is None:
        return ()
    items: Iterable[str | int] = [specs] if isinstance(specs, str | int) else specs
    out: list[Range] = []
    for item in items:
        if isinstance(item, bool):
            raise ValueError(f"port spec {item!r} is not a port, a range 'a-b' or '*'")
        if isinstance(item, int):
            out.append(_checked(item, item, str(item)))
            continue
        for part in str(item).split(","):
            out.append(_parse_one(part.strip(), str(item)))
    return _normalise(out)


def _parse_one(part: str, whole: str) -> Range:
    if part.lower() in _ANY:
        return _FULL[0]
    lo_text, sep, hi_text = part.partition("-")
    try:
        lo = int(lo_text.strip())
        hi = int(hi_text.strip()) if sep else lo
    except ValueError:
        raise ValueError(f"port spec {whole!r} is not a port, a range 'a-b' or '*'") from None
    return _checked(lo, hi, whole)


def _checked(lo: int, hi: int, whole: str) -> Range:
    if not (MIN_PORT <= lo <= hi <= MAX_PORT):
        raise ValueError(
            f"port spec {whole!r} must lie within {MIN_PORT}-{MAX_PORT} with the lower port first"
        )
    return (lo, hi)


def _normalise(ranges: Iterable[Range]) -> Ranges:
    merged: list[list[int]] = []
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1] + 1:
            if hi > merged[-1][1]:
                merged[-1][1] = hi
        else:
            merged.append([lo, hi])
    return tuple((lo, hi) for lo, hi in merged)


def _intersect(a: Ranges, b: Ranges) -> Ranges:
    out: list[Range] = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo = max(a[i][0], b[j][0])
        hi = min(a[i][1], b[j][1])
        if lo <= hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return tuple(out)


def _minus(a: Ranges, b: Ranges) -> Ranges:
    out: list[Range] = []
    j = 0
    for lo, hi in a:
        cur = lo
        while j < len(b) and b[j][1] < cur:
            j += 1
        k = j
        while k < len(b) and b[k][0] <= hi:
            if b[k][0] > cur:
                out.append((cur, b[k][0] - 1))
            cur = max(cur, b[k][1] + 1)
            if cur > hi:
                break
            k += 1
        if cur <= hi:
            out.append((cur, hi))
    return tuple(out)


class PortSet:
    """An immutable set of ports per protocol (tcp, udp, icmp)."""

    __slots__ = ("_by_protocol", "_hash")

    _by_protocol: Mapping[str, Ranges]
    _hash: int | None

    def __init__(self, by_protocol: Mapping[str, Iterable[Range]] | None = None) -> None:
        clean: dict[str, Ranges] = {}
        for protocol, ranges in (by_protocol or {}).items():
            for proto in protocols_of(protocol):
                merged = _normalise([*clean.get(proto, ()), *ranges])
                if proto == ICMP and merged:
                    merged = _FULL
                if merged:
                    clean[proto] = merged
        object.__setattr__(self, "_by_protocol", {p: clean[p] for p in PROTOCOLS if p in clean})
        object.__setattr__(self, "_hash", None)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("PortSet is immutable")

    # construction -----------------------------------------------------------------

    @classmethod
    def empty(cls) -> PortSet:
        return _EMPTY

    @classmethod
    def parse(cls, protocol: str, specs: Iterable[str | int] | str | int | None) -> PortSet:
        """Ports from an ARM protocol (``Tcp``, ``*``, ``Icmp``, ``Esp``, ...) and port specs.

        >>> PortSet.parse("Tcp", ["443", "8080-8090"]).to_report()
        [{'protocol': 'tcp', 'ports': '443'}, {'protocol': 'tcp', 'ports': '8080-8090'}]
        """
        ranges = parse_ranges(specs)
        if not ranges:
            return _EMPTY
        return cls({proto: ranges for proto in protocols_of(protocol)})

    @classmethod
    def all(cls, protocol: str = "*") -> PortSet:
        """Every port of the protocol(s) ``protocol`` covers."""
        key = protocol.strip().lower()
        cached = _ALL_CACHE.get(key)
        if cached is None:
            cached = cls({proto: _FULL for proto in protocols_of(protocol)})
            _ALL_CACHE[key] = cached
        return cached

    @classmethod
    def _clean(cls, by_protocol: dict[str, Ranges]) -> PortSet:
        """A PortSet from ranges already sorted, merged and non-empty (no re-normalising)."""
        out = object.__new__(cls)
        object.__setattr__(
            out, "_by_protocol", {p: by_protocol[p] for p in PROTOCOLS if by_protocol.get(p)}
        )
        object.__setattr__(out, "_hash", None)
        return out

    @classmethod
    def from_report(cls, items: Iterable[Mapping[str, str]]) -> PortSet:
        """The inverse of :meth:`to_report`."""
        out = _EMPTY
        for item in items:
            out = out | cls.parse(item["protocol"], item["ports"])
        return out

    # algebra ----------------------------------------------------------------------

    def union(self, other: PortSet) -> PortSet:
        if other.is_empty():
            return self
        if self.is_empty():
            return other
        merged = {
            p: (*self._by_protocol.get(p, ()), *other._by_protocol.get(p, ())) for p in PROTOCOLS
        }
        return PortSet(merged)

    def intersect(self, other: PortSet) -> PortSet:
        if self is other:
            return self
        return PortSet._clean(
            {
                p: _intersect(r, other._by_protocol[p])
                for p, r in self._by_protocol.items()
                if p in other._by_protocol
            }
        )

    def minus(self, other: PortSet) -> PortSet:
        if other.is_empty() or self.is_empty():
            return self
        return PortSet._clean(
            {p: _minus(r, other._by_protocol.get(p, ())) for p, r in self._by_protocol.items()}
        )

    __or__ = union
    __and__ = intersect
    __sub__ = minus

    # questions --------------------------------------------------------------------

    def is_empty(self) -> bool:
        return not self._by_protocol

    def __bool__(self) -> bool:
        return bool(self._by_protocol)

    @property
    def protocols(self) -> tuple[str, ...]:
        return tuple(self._by_protocol)

    def ranges(self, protocol: str) -> Ranges:
        """The sorted maximal ranges of one protocol (``()`` when none)."""
        return self._by_protocol.get(protocol.lower(), ())

    def contains(self, protocol: str, port: int) -> bool:
        return any(lo <= port <= hi for lo, hi in self.ranges(protocol))

    def contains_any(self, protocol: str, ports: Iterable[int]) -> bool:
        return any(self.contains(protocol, port) for port in ports)

    def contains_management_ports(self) -> bool:
        """True when TCP 22, 3389, 5985 or 5986 is in the set."""
        return self.contains_any(TCP, MANAGEMENT_TCP_PORTS)

    def is_all(self) -> bool:
        """True when every TCP port or every UDP port is in the set (findings.md "all ports")."""
        return self.ranges(TCP) == _FULL or self.ranges(UDP) == _FULL

    def count(self, protocol: str) -> int:
        return sum(hi - lo + 1 for lo, hi in self.ranges(protocol))

    def to_report(self) -> list[dict[str, str]]:
        """Sorted by protocol then port, maximal ranges: ``"22"``, ``"20-21"``, ``"*"`` (all)."""
        out: list[dict[str, str]] = []
        for protocol, ranges in self._by_protocol.items():
            for lo, hi in ranges:
                if (lo, hi) == _FULL[0]:
                    text = "*"
                elif lo == hi:
                    text = str(lo)
                else:
                    text = f"{lo}-{hi}"
                out.append({"protocol": protocol, "ports": text})
        return out

    # value semantics --------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PortSet) and self._by_protocol == other._by_protocol

    def __hash__(self) -> int:
        cached = self._hash
        if cached is None:
            cached = hash(tuple(self._by_protocol.items()))
            object.__setattr__(self, "_hash", cached)
        return cached

    def __repr__(self) -> str:
        body = ", ".join(f"{item['protocol']}:{item['ports']}" for item in self.to_report())
        return f"PortSet({body})"


_EMPTY = PortSet()
_ALL_CACHE: dict[str, PortSet] = {}
