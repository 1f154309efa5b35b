"""How a run's report is kept as text in a store, and how the next night reads its findings.

A report is JSON, but laid out so that the next night can find each finding without
parsing them all: the findings come first, one per line, each beginning with its id::

    {"findings":[
    {"id":"f1",...},
    {"id":"f2",...}
    ],"coverage":...,"run":...}

Any JSON reader reads it as the report it is (the line breaks are whitespace between
array items). Compact JSON holds no other line break, as a string's own line breaks are
written escaped, so a line break can only be one of these.

At 1,000,000 resources a report is 122 MiB, 121 of them findings. Parsed whole, they
came to three times their text beside the night's graph (the night's memory peak); read
this way the night holds the text and an index of ids, and parses a finding only when it
compares with it, one at a time. A report stored before this layout, or one whose findings
cannot be laid out by id, is read whole as before.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Mapping
from typing import Any

import orjson

from graph.stores.common import StoreError, json_bytes

# What a run reads of its previous run's report (graph.analysis: apply_history, run_section).
# A night asks only for these (previous_run(history_only=True)): the rest of a report, and
# the run's coverage and crawl columns, are hundreds of MB parsed at 1M resources.
HISTORY_KEYS = ("run", "findings")

_HEAD = b'{"findings":[\n'
# A finding's line begins with its id, a JSON string (escapes included).
_ID = re.compile(rb'\{"id":("(?:[^"\\\n]|\\.)*")')
_ID_TEXT = re.compile(_ID.pattern.decode())


def report_parts(report: dict[str, Any]) -> list[bytes]:
    """``report`` as stored (the module's layout), in pieces whose concatenation is the
    text: a store that can write them one after another never holds a second copy."""
    findings = report.get("findings")
    if not (
        isinstance(findings, list)
        and findings
        and all(type(item) is dict and type(item.get("id")) is str for item in findings)
    ):
        return [json_bytes(report)]
    parts = [_HEAD]
    for index, finding in enumerate(findings):
        if index:
            parts.append(b",\n")
        parts.append(_finding_line(finding))
    rest = json_bytes({key: value for key, value in report.items() if key != "findings"})
    parts.append(b"\n]" + (b"," + rest[1:] if len(rest) > 2 else b"}"))
    return parts


def report_bytes(report: dict[str, Any]) -> bytes:
    return b"".join(report_parts(report))


def _finding_line(finding: dict[str, Any]) -> bytes:
    rest = json_bytes({key: value for key, value in finding.items() if key != "id"})
    head = b'{"id":' + json_bytes(finding["id"])
    return head + (b"," + rest[1:] if len(rest) > 2 else b"}")


class FindingHistory:
    """A stored run's findings as the next night reads them: iterated (or compared with a
    list) they are the findings in stored order; ``by_id()`` looks one up by id, parsing
    only that one. A finding that is not valid JSON is a StoreError when it is parsed."""

    def __init__(self, text: bytes | str, starts: dict[str, int], where: str) -> None:
        self._text = text
        self._starts = starts
        self._where = where

    def _parse(self, start: int) -> dict[str, Any]:
        text = self._text
        piece: memoryview | str
        if isinstance(text, bytes):
            end = text.index(b"\n", start)
            piece = memoryview(text)[start : end - 1 if text[end - 1] == ord(",") else end]
        else:
            end = text.index("\n", start)
            piece = text[start : end - 1 if text[end - 1] == "," else end]
        try:
            value = orjson.loads(piece)
        except orjson.JSONDecodeError as exc:
            raise StoreError(f"{self._where}: a finding is not valid JSON ({exc})") from None
        if type(value) is not dict:
            raise StoreError(f"{self._where}: a finding is not a JSON object")
        return value

    def by_id(self) -> Mapping[str, dict[str, Any]]:
        return _ById(self)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return map(self._parse, self._starts.values())

    def __len__(self) -> int:
        return len(self._starts)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FindingHistory):
            return list(self) == list(other)
        if isinstance(other, list):
            return list(self) == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"FindingHistory({len(self)} findings)"


class _ById(Mapping[str, dict[str, Any]]):
    def __init__(self, history: FindingHistory) -> None:
        self._history = history

    def __getitem__(self, finding_id: str) -> dict[str, Any]:
        return self._history._parse(self._history._starts[finding_id])

    def __contains__(self, finding_id: object) -> bool:
        return finding_id in self._history._starts

    def __iter__(self) -> Iterator[str]:
        return iter(self._history._starts)

    def __len__(self) -> int:
        return len(self._history._starts)


def history_of(text: bytes | str | None, where: str) -> dict[str, Any] | None:
    """The part of a stored report (its text) the next run compares with: HISTORY_KEYS,
    those present. ``where`` names the run for errors: a report that is not what a store
    writes is a StoreError."""
    if text is None:
        return None
    head = _HEAD if isinstance(text, bytes) else _HEAD.decode()
    try:
        if text.startswith(head):  # type: ignore[arg-type]
            return _laid_out_history(text, where)
        report = orjson.loads(text)
    except (orjson.JSONDecodeError, ValueError) as exc:
        raise StoreError(f"{where}: its report is not valid JSON ({exc})") from None
    if type(report) is not dict:
        raise StoreError(f"{where}: its report is not a JSON object")
    return _interned({key: report[key] for key in HISTORY_KEYS if key in report})


def _laid_out_history(text: bytes | str, where: str) -> dict[str, Any]:
    """Index the findings by id (no finding is parsed) and parse the rest of the report."""
    as_bytes = isinstance(text, bytes)
    newline, comma, close = (b"\n", b",", b"]") if as_bytes else ("\n", ",", "]")
    match_id = (_ID if as_bytes else _ID_TEXT).match
    starts: dict[str, int] = {}
    position = len(_HEAD)
    while True:
        found = match_id(text, position)  # type: ignore[arg-type]
        end = text.find(newline, position)  # type: ignore[arg-type]
        if found is None or end < 0:
            raise StoreError(f"{where}: its report's findings are not laid out as stored")
        starts[orjson.loads(found.group(1))] = position
        position = end + 1
        if text[end - 1 : end] != comma:
            break
    if text[position : position + 1] != close:
        raise StoreError(f"{where}: its report's findings are not laid out as stored")
    tail = text[position + 1 :]
    if tail in (b"}", "}"):
        rest: Any = {}
    elif tail[:1] == comma:
        rest = orjson.loads(b"{" + tail[1:] if as_bytes else "{" + tail[1:])  # type: ignore[operator]
    else:
        rest = None
    if type(rest) is not dict:
        raise StoreError(f"{where}: its report is not a JSON object")
    history: dict[str, Any] = {key: rest[key] for key in HISTORY_KEYS if key in rest}
    history["findings"] = FindingHistory(text, starts, where)
    return history


def _interned(value: dict[str, Any]) -> dict[str, Any]:
    """``value`` with every string inside it replaced by its interned copy (in place): most
    are ids of the night's graph (graph.build interns them), and the rest repeat from
    finding to finding, so a history read whole keeps about 45% of what was parsed
    (measured at 100,000 resources: 13.5 of 31 MB)."""
    intern = sys.intern
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        pairs = item.items() if type(item) is dict else enumerate(item)
        for key, inner in pairs:
            kind = type(inner)
            if kind is str:
                item[key] = intern(inner)
            elif kind is dict or kind is list:
                stack.append(inner)
    return value
