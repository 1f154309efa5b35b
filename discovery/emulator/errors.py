"""The one exception an estate folder can raise when the emulator loads it."""

from __future__ import annotations


class EstateError(Exception):
    """An estate folder the emulator cannot serve; the message is one sentence naming what to fix."""
