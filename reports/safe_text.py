"""Text that Azure (or anyone who can name a resource there) controls, made safe to show.

A resource name, tag or tenant display name is chosen by whoever owns it,
and a nightly job reads thousands of them from other people's tenants. Shown
as is, ``\\x1b]0;...\\x07`` retitles the operator's terminal, ``\\x1b[2J``
clears it, a bare CR overwrites the start of a line, NUL truncates it in C
tools, and U+202E (right-to-left override) makes ``evil\\u202etxt.exe`` read
as something else. Every writer passes such text through ``safe_text`` for
its medium; the characters stay visible as ``\\xNN`` / ``\\uNNNN`` so the
operator sees that someone tried.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Literal

Medium = Literal["terminal", "markdown", "mail", "csv", "html"]

# C0 controls, DEL, C1 controls (0x9b is an 8-bit CSI), the line and paragraph
# separators, and every bidirectional mark, embedding, override and isolate.
_BIDI = r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(rf"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI}]")
# HTML collapses tabs and newlines itself (and SVG <title> tooltips use the newlines).
_UNSAFE_IN_HTML = re.compile(rf"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029{_BIDI}]")
# A tab inside a quoted CSV cell is data, not layout.
_UNSAFE_IN_CSV = re.compile(rf"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029{_BIDI}]")

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")
_FORMULA_START = "=+-@\t\r"


def _escape(pattern: re.Pattern[str], text: str) -> str:
    # Nearly every name is printable ASCII: skip the regex for those (report.md at
    # 10,000 findings formats a few hundred thousand values).
    if text.isascii() and text.isprintable():
        return text
    return pattern.sub(_visible, text)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def neutralise(text: str) -> str:
    """Control, separator and bidi characters replaced by their visible escape."""
    return _escape(_UNSAFE, text)


def first_unsafe(text: str) -> str | None:
    """The first character ``neutralise`` would replace, as its visible escape; None if none."""
    found = _UNSAFE.search(text)
    return _visible(found) if found else None


def csv_cell(value: str) -> str:
    """Neutralise spreadsheet formulas: a cell starting with = + - @ (or tab/CR) gets a quote."""
    if value and value[0] in _FORMULA_START:
        return "'" + value
    return value


def one_line(text: str) -> str:
    """``text`` neutralised, on one line: each run of whitespace one space, none at the ends."""
    # Nearly every value is printable ASCII, whose only whitespace is the space: most
    # need no splitting at all (report.md formats a few hundred thousand of them).
    if text.isascii() and text.isprintable():
        if "  " in text or text[:1] == " " or text[-1:] == " ":
            return " ".join(text.split())
        return text
    return " ".join(neutralise(text).split())


def md_text(value: Any) -> str:
    """Text safe for Markdown tables and wikis: one line, markup characters escaped."""
    text = one_line(value if type(value) is str else str(value))
    if _MD_SPECIAL.search(text) is None:
        return text
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_code(value: Any) -> str:
    """An inline code span that no backtick in the value can close, on one line, no pipes."""
    text = one_line(value if type(value) is str else str(value))
    if "|" in text:
        text = text.replace("|", "¦")
    if "`" not in text:  # most values: report.md formats one per id shown
        return f"`{text}`"
    longest = max(len(m) for m in re.findall(r"`+", text))
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def safe_text(value: Any, medium: Medium) -> str:
    """``value`` as text that cannot steer ``medium``: a terminal, Markdown, a mail's
    text part, a CSV cell, or HTML (which jinja2 escapes besides)."""
    text = str(value)
    if medium == "html":
        return _escape(_UNSAFE_IN_HTML, text)
    if medium == "markdown":
        return md_text(text)
    if medium == "csv":
        return _escape(_UNSAFE_IN_CSV, csv_cell(text))
    return neutralise(text)


def csv_text(text: str) -> str:
    """``safe_text(text, "csv")`` for a string, the common case (printable ASCII that starts
    no formula) first: findings.csv at 1,000,000 resources has half a million cells."""
    if text.isascii() and text.isprintable() and text[:1] not in _FORMULA_START:
        return text
    return safe_text(text, "csv")


def template_finalizer(medium: Medium) -> Any:
    """A jinja2 ``finalize`` hook: every ``{{ ... }}`` string made safe for ``medium``.

    In Markdown the ``md``/``code`` filters escape the markup; the hook catches
    what a template prints without them. Markup (``|safe``: the style sheet) is
    the template's own text and passes as is.
    """
    from markupsafe import Markup

    inner: Medium = "mail" if medium == "markdown" else medium

    # The few other strings a template prints again and again (arrows, separators).
    @lru_cache(maxsize=4096)
    def safe(text: str) -> str:
        return safe_text(text, inner)

    def finalize(value: Any) -> Any:
        # Called for every printed value: plain printable ASCII returns at once.
        if type(value) is str:
            if value.isascii() and value.isprintable():
                return value
            return safe(value) if len(value) <= 64 else safe_text(value, inner)
        if isinstance(value, str) and not isinstance(value, Markup):
            return safe_text(value, inner)
        return value

    return finalize
