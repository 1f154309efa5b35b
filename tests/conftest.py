"""Fixtures shared by every test area (see docs/dev/interfaces.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"


@pytest.fixture
def tmp_state(tmp_path: Path) -> Path:
    state = tmp_path / "state"
    state.mkdir()
    return state


@pytest.fixture(scope="session")
def api_examples() -> Path:
    path = SHARED / "azure-api-examples"
    if not path.is_dir():
        pytest.fail(f"{path} is missing: the suite needs ../shared/azure-api-examples beside the repo")
    return path


@pytest.fixture(scope="session")
def sample_estate() -> Path:
    """The bundled sample estate (read-only: copy it before changing anything)."""
    from discovery.estates import SAMPLE_ESTATE

    return SAMPLE_ESTATE
