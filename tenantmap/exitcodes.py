"""Exit codes shared by every command (findings.md, "Exit codes")."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAIL_ON = 1
    BAD_INPUT = 2
    PARTIAL = 3
    LOCKED = 4


class TenantmapError(Exception):
    """An error the user can act on: one sentence, and the exit code it means."""

    def __init__(self, message: str, code: ExitCode = ExitCode.BAD_INPUT) -> None:
        super().__init__(message)
        self.code = code
