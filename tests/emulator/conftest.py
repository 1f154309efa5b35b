"""Fixtures for the emulator tests: an estate factory and a running emulator."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from discovery.emulator import EmulatorHandle, running_emulator
from tests.emulator.helpers import network_resources, write_estate


@pytest.fixture
def make_estate(tmp_path: Path, api_examples: Path) -> Callable[..., Path]:
    counter = iter(range(1000))

    def make(**kwargs: Any) -> Path:
        if "resources" not in kwargs:
            kwargs["resources"] = network_resources(api_examples)
        return write_estate(tmp_path / f"estate{next(counter)}", api_examples, **kwargs)

    return make


@pytest.fixture
def emu(make_estate: Callable[..., Path]) -> Iterator[EmulatorHandle]:
    with running_emulator(make_estate()) as handle:
        yield handle
