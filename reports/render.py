"""Render a report into report.json, report.html, report.md and findings.csv.

Every output is a pure function of the report document (no clock, no
environment), so rendering during the run and re-rendering later from
report.json give byte-identical files.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from itertools import chain, islice
from pathlib import Path
from typing import Any, BinaryIO, TextIO

import orjson
from jinja2 import Environment, PackageLoader, StrictUndefined

from graph.collector import collector_paused
from reports import topology
from reports.model import Report, parse_report
from reports.safe_text import csv_text, md_code, md_text, safe_text, template_finalizer
from reports.views import DETAIL_LIMIT, ReportView, change_text, ports_text

SEVERITY_COLOURS = {"critical": "#b3261e", "high": "#c2410c", "medium": "#a16207", "low": "#1d4ed8"}

NOTE_TEXT = {
    "route-none": "a 0.0.0.0/0 route with next hop type None on the target's subnet drops the return traffic",
    "admin-rules-not-evaluated": "network manager security admin rules apply here and were not evaluated",
    "nat-pool-not-evaluated": "load balancer NAT pools (scale sets) were not evaluated",
    "dnat-target-unresolved": "the DNAT translated address matched no NIC in the snapshot",
    "dnat-fqdn-target": "the DNAT rule translates to an FQDN, which is not resolved",
    "ip-pool-unresolved": "a backend pool defined by IP address could not be resolved to NICs",
    "broad-source": "a rule admits a broad public source (at least a /8's worth), not all of the internet",
    "nsg-rule-unreadable": "an NSG on the way has a rule that cannot be read (see coverage): it was left out, so a deny there was not taken as closing anything",
    "any-azure-tenant": 'only the "Allow Azure services" rule admits it: every Azure customer\'s resources reach it, not the whole internet',
    "insecure-transport": "the service still accepts unencrypted or pre-TLS 1.2 connections",
    "server-level-rules-only": "server-level firewall rules only: database-level rules live in T-SQL, which a Reader cannot see",
    "not-found": "the linked subscription's tenant could not be found (404)",
    "unresolved": "the linked subscription's tenant could not be resolved",
}

CSV_COLUMNS = (
    "id",
    "kind",
    "severity",
    "status",
    "unverified",
    "subject",
    "subjectName",
    "title",
    "firstSeen",
    "ports",
    "reaches",
    "notes",
    "worsened",
)


@cache
def _html_env() -> Environment:
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
        finalize=template_finalizer("html"),
    )
    return env


@cache
def _text_env() -> Environment:
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=False,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        finalize=template_finalizer("markdown"),
    )
    env.filters["md"] = md_text
    env.filters["code"] = md_code
    env.filters["ports"] = ports_text
    return env


@cache
def _css() -> str:
    return _html_env().get_template("report.css.j2").render().strip()


def html_chunks(
    report: Report, *, detail_limit: int = DETAIL_LIMIT, view: ReportView | None = None
) -> Iterator[str]:
    """report.html in the pieces the template yields (joined, they are `render_html`)."""
    view = (view or ReportView(report)).with_detail_limit(detail_limit)
    pic = topology.layout(report, view.namer)
    links = sorted(
        report.topology.links,
        key=lambda link: (link.declared, link.from_, link.to, link.channel),
    )
    template = _html_env().get_template("report.html.j2")
    context = template.new_context(
        {
            "v": view,
            "pic": pic,
            "box_w": topology.BOX_W,
            "box_h": topology.BOX_H,
            "css": _css(),
            "colours": SEVERITY_COLOURS,
            "notes": NOTE_TEXT,
            "links": links,
        }
    )
    # Template.generate, but with the context in hand: the template's macros and its
    # context refer to each other, so what the context holds (the report, every view)
    # would outlive the rendering until the cyclic collector came, at 100,000 resources
    # a walk over a quarter of a million objects. Emptied, the context lets them go.
    try:
        yield from template.root_render_func(context)
    except Exception:
        yield template.environment.handle_exception()
    finally:
        context.vars.clear()


def render_html(
    report: Report, *, detail_limit: int = DETAIL_LIMIT, view: ReportView | None = None
) -> str:
    return "".join(html_chunks(report, detail_limit=detail_limit, view=view))


def markdown_chunks(
    report: Report, *, detail_limit: int = DETAIL_LIMIT, view: ReportView | None = None
) -> Iterator[str]:
    """report.md in the pieces the template yields (joined, they are `render_markdown`).

    Like the HTML, the first ``detail_limit`` open findings (new first) are shown in full and
    the rest in one table row each: at 1,000,000 resources the full listing was 88 MB of
    Markdown, more than a wiki, a ticket or a reader at 2 a.m. takes."""
    view = (view or ReportView(report)).with_detail_limit(detail_limit)
    return _text_env().get_template("report.md.j2").generate(v=view)


def render_markdown(
    report: Report, *, detail_limit: int = DETAIL_LIMIT, view: ReportView | None = None
) -> str:
    return "".join(markdown_chunks(report, detail_limit=detail_limit, view=view))


def write_csv(report: Report, out: TextIO) -> None:
    """findings.csv, one row per finding, written to ``out`` (opened with newline="")."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for f in report.findings:
        d = f.details
        row = [
            f.id,
            f.kind,
            f.severity,
            f.status,
            "true" if f.unverified else "false",
            f.subject,
            f.subjectName or "",
            f.title,
            f.firstSeen or "",
            ports_text(d.ports).replace(", ", "; "),
            "; ".join(d.reaches),
            "; ".join(d.notes),
            change_text(f.worsened) if f.is_worsened else "",
        ]
        writer.writerow([csv_text(c) for c in row])


def render_csv(report: Report) -> str:
    buf = io.StringIO()
    write_csv(report, buf)
    return buf.getvalue()


GOVERNANCE_CSV_COLUMNS = ("tenant", "subscription", "name", "connected", "reason")


def write_governance_csv(report: Report, out: TextIO) -> None:
    """The governance matrix, one row per subscription in scope (governance.md, Report)."""
    gov = report.governance
    writer = csv.writer(out, lineterminator="\r\n")
    controls = gov.controls if gov else []
    writer.writerow([*GOVERNANCE_CSV_COLUMNS, *controls])
    for row in gov.rows if gov else []:
        cells = [
            row.tenant or "",
            row.subscription,
            row.name,
            str(row.connected).lower(),
            row.reason,
        ]
        cells += [row.controls.get(c, "unknown") for c in controls]
        writer.writerow([safe_text(c, "csv") for c in cells])


def render_governance_csv(report: Report) -> str:
    buf = io.StringIO()
    write_governance_csv(report, buf)
    return buf.getvalue()


def json_bytes(data: dict[str, Any]) -> bytes:
    """Indented, sorted, UTF-8 JSON: the bytes of ``json.dumps(indent=2, sort_keys=True,
    ensure_ascii=False)`` and a newline, written by orjson (the standard library's indenting
    encoder is pure Python: seconds on a large estate's report). Documents orjson spells
    otherwise (floats, which it writes without Python's exponent sign) or refuses (keys
    that are not strings, integers beyond 64 bits, lone surrogates) take the standard
    library's way.
    """
    if not _holds_float(data):
        with contextlib.suppress(orjson.JSONEncodeError):
            return orjson.dumps(data, option=_ORJSON_OPTIONS)
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def write_json(data: dict[str, Any], out: BinaryIO) -> None:
    """The bytes of ``json_bytes(data)``, written a few hundred findings at a time: at
    1,000,000 resources report.json is 170 MB, which the night's peak memory would
    otherwise hold at once. Each finding is encoded on its own (orjson, or the standard
    library's way if it holds a float) and indented to its place in the array."""
    findings = data.get("findings")
    if not isinstance(findings, list) or not findings:
        out.write(json_bytes(data))
        return
    head = json_bytes({**data, "findings": []})
    # A raw newline never occurs inside a JSON string: this is the top-level key's line.
    at = head.index(_FINDINGS_KEY) + len(_FINDINGS_KEY) - len(b"[]")
    out.write(head[:at] + b"[\n")
    for start in range(0, len(findings), _BATCH):
        items = [
            _INDENT + _item_bytes(f).replace(b"\n", b"\n" + _INDENT)
            for f in findings[start : start + _BATCH]
        ]
        out.write(b",\n".join(items) + (b",\n" if start + _BATCH < len(findings) else b""))
    out.write(b"\n  ]" + head[at + len(b"[]") :])


_FINDINGS_KEY = b'\n  "findings": []'
_INDENT = b"    "  # an item of the top level's "findings" array
_BATCH = 512


def _item_bytes(item: Any) -> bytes:
    """One finding as ``json_bytes`` would write it at the top level, without the newline."""
    if not _holds_float(item):
        with contextlib.suppress(orjson.JSONEncodeError):
            return orjson.dumps(item, option=_ORJSON_OPTIONS & ~orjson.OPT_APPEND_NEWLINE)
    return json.dumps(item, indent=2, sort_keys=True, ensure_ascii=False).encode()


def render_json(data: dict[str, Any]) -> str:
    return json_bytes(data).decode()


_ORJSON_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE
# What a container may hold without holding a float or another container.
_LEAF_TYPES = frozenset({str, int, bool, type(None)})
_DICTS = {dict}


def _holds_float(data: Any) -> bool:
    """Is there a float anywhere in ``data``? The types of each container's values are
    gathered at C speed, so the many containers of strings alone (evidence hops, id
    lists) cost one set each, not a Python step per value."""
    if not isinstance(data, dict | list | tuple):
        return isinstance(data, float)
    stack: list[Any] = [data]
    while stack:
        value = stack.pop()
        items = value.values() if isinstance(value, dict) else value
        types = set(map(type, items))
        if types <= _LEAF_TYPES:
            continue
        if any(issubclass(t, float) for t in types):
            return True
        if types == _DICTS:  # a list of dicts (findings, evidence, ports): their values at once
            stack.append(list(chain.from_iterable(map(dict.values, items))))
            continue
        stack.extend(item for item in items if isinstance(item, dict | list | tuple))
    return False


# The files' bytes go straight from the renderers to disk: at 1,000,000 resources the
# texts are hundreds of MB, and the Markdown and HTML are millions of small pieces, which
# the night's peak memory would otherwise hold at once.
Writer = Callable[[BinaryIO], object]


def _text(write: Callable[[TextIO], object]) -> Writer:
    """A writer of text (UTF-8, line ends as given) for the binary file ``_stage`` opens."""

    def to_binary(fh: BinaryIO) -> None:
        out = io.TextIOWrapper(fh, encoding="utf-8", newline="", write_through=False)
        try:
            write(out)
            out.flush()
        finally:
            out.detach()

    return to_binary


def _write_pieces(out: TextIO, pieces: Iterable[str]) -> None:
    """A template's many small pieces, joined a few thousand at a time before each write."""
    rest = iter(pieces)
    while batch := list(islice(rest, 4096)):
        out.write("".join(batch))


def _stage(path: Path, write: Writer) -> str:
    """Write beside the target (renamed into place once every file is written), so a crash
    never leaves half a report nor a mix of two runs' files."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb", buffering=_BUFFER) as fh:
            write(fh)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; reports are meant to be shared
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


_BUFFER = 1 << 20


def write_reports(report: dict[str, Any], out_dir: Path) -> dict[str, Path]:
    """Write report.json, report.html, report.md and findings.csv into out_dir.

    Raises ReportError (one sentence naming the field) when the document breaks
    the tenantmap.report/1 contract; nothing is written then.
    """
    # Rendering makes many small objects and no cycles: the collector took a third of the
    # time at 10,000 findings. It stays paused until the parsed report and its views are
    # gone, so the collection that follows does not walk them.
    with collector_paused():
        return _write_reports(report, Path(out_dir))


def _write_reports(report: dict[str, Any], out_dir: Path) -> dict[str, Path]:
    parsed = parse_report(report)
    view = ReportView(parsed)
    writers: dict[str, Writer] = {
        "report.json": lambda fh: write_json(report, fh),
        "report.html": _text(lambda out: _write_pieces(out, html_chunks(parsed, view=view))),
        "report.md": _text(lambda out: _write_pieces(out, markdown_chunks(parsed, view=view))),
        "findings.csv": _text(lambda out: write_csv(parsed, out)),
    }
    if parsed.governance is not None:
        writers["governance.csv"] = _text(lambda out: write_governance_csv(parsed, out))
    staged: dict[str, tuple[str, Path]] = {}
    try:
        for name, write in writers.items():
            out_dir.mkdir(parents=True, exist_ok=True)
            staged[name] = (_stage(out_dir / name, write), out_dir / name)
        for tmp, path in staged.values():
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in staged.values():
            Path(tmp).unlink(missing_ok=True)
        raise
    return {name: path for name, (_, path) in staged.items()}


def load_report(path: Path) -> dict[str, Any]:
    """Read a report.json for re-rendering; ReportError with one sentence on bad input."""
    from reports.model import ReportError

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(f"{path} does not exist: give the report.json of a run") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"{path} could not be read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ReportError(
            f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    parse_report(data, source=str(path))
    if not isinstance(data, dict):  # parse_report already refused it; keeps mypy sure
        raise ReportError(f"{path} is not a JSON object")
    return data
