"""A large resources.jsonl is looked at by a helper process (graph.quick_look_process)
while the build parses it: the build walks exactly the lines its own quick look would,
whatever the helper does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest

import graph.quick_look_process as quick_look_process
import graph.snapshot as snapshot
from graph.quick_look_process import QuickLookHelper
from graph.shapes import lines_to_walk
from graph.snapshot import SnapshotError

MISFIT = {
    "id": "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/odd",
    "type": "Microsoft.Network/networkInterfaces",
    "properties": {"ipConfigurations": [{"properties": {"primary": "yes"}}]},
}


def well_shaped(number: int) -> dict[str, object]:
    return {
        "id": f"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/n{number}",
        "type": "Microsoft.Network/networkInterfaces",
        "properties": {"enableIPForwarding": number % 2 == 0, "provisioningState": "Succeeded"},
    }


@pytest.fixture
def resources_file(tmp_path: Path) -> Path:
    """Several blocks of lines, misfits among them, the last line without a line end."""
    items = [MISFIT if n % 997 == 0 else well_shaped(n) for n in range(6000)]
    path = tmp_path / "resources.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(item) for item in items))
    return path


def walked(path: Path) -> list[int]:
    return [
        n for n, (_, walk) in enumerate(snapshot._read_resources(path, quick_look=True)) if walk
    ]


def own_quick_look(path: Path) -> list[int]:
    lines = path.read_bytes().splitlines(keepends=True)
    found: list[int] = []
    for start in range(0, len(lines), 1):
        if lines_to_walk([lines[start]]):
            found.append(start)
    return found


@pytest.fixture
def helped(monkeypatch: pytest.MonkeyPatch) -> list[QuickLookHelper]:
    """Every file is large enough for the helper; the helpers started, for the test to see."""
    started: list[QuickLookHelper] = []
    start = QuickLookHelper.start

    def recorded(path: Path) -> QuickLookHelper | None:
        helper = start(path)
        if helper is not None:
            started.append(helper)
        return helper

    monkeypatch.setattr(snapshot, "HELPER_FROM_BYTES", 0)
    monkeypatch.setattr(QuickLookHelper, "start", staticmethod(recorded))
    return started


def helper_running(program: str) -> QuickLookHelper:
    return QuickLookHelper(
        subprocess.Popen([sys.executable, "-c", program], stdout=subprocess.PIPE)
    )


def test_the_helper_sends_the_lines_the_builds_own_quick_look_would_walk(
    resources_file: Path, helped: list[QuickLookHelper]
) -> None:
    assert walked(resources_file) == own_quick_look(resources_file)
    assert len(helped) == 1
    assert len(walked(resources_file)) == 7  # lines 0, 997, ... 5982


@pytest.fixture
def answered(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Per block the build read, whether the helper answered for it."""
    noted: list[bool] = []
    suspects = QuickLookHelper.suspects

    def noting(self: QuickLookHelper, lines: list[bytes]) -> set[int] | None:
        answer = suspects(self, lines)
        noted.append(answer is not None)
        return answer

    monkeypatch.setattr(QuickLookHelper, "suspects", noting)
    return noted


def test_the_helper_reads_the_same_blocks_as_the_build(
    resources_file: Path, helped: list[QuickLookHelper], answered: list[bool]
) -> None:
    walked(resources_file)

    assert len(answered) > 3 and all(answered)


def test_a_small_file_is_looked_at_without_a_helper(
    resources_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        QuickLookHelper, "start", staticmethod(lambda path: pytest.fail("a helper started"))
    )
    assert walked(resources_file) == own_quick_look(resources_file)


@pytest.mark.parametrize(
    "program",
    [
        "",  # ends before its first answer
        # an answer for a block that is not the build's (one line of one byte)
        "import marshal, sys; body = marshal.dumps((1, 1, [])); "
        "sys.stdout.buffer.write(len(body).to_bytes(4, 'big') + body)",
        # an answer cut short
        "import sys; sys.stdout.buffer.write((99).to_bytes(4, 'big') + b'xx')",
        # not marshal data
        "import sys; sys.stdout.buffer.write((3).to_bytes(4, 'big') + b'\\xff\\xfe\\xfd')",
    ],
    ids=["ends-early", "other-blocks", "cut-short", "not-marshal"],
)
def test_a_helper_that_fails_leaves_the_build_to_look_itself(
    resources_file: Path, monkeypatch: pytest.MonkeyPatch, program: str
) -> None:
    monkeypatch.setattr(snapshot, "HELPER_FROM_BYTES", 0)
    monkeypatch.setattr(QuickLookHelper, "start", staticmethod(lambda p: helper_running(program)))

    assert walked(resources_file) == own_quick_look(resources_file)


def test_a_helper_that_cannot_start_leaves_the_build_to_look_itself(
    resources_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot, "HELPER_FROM_BYTES", 0)
    monkeypatch.setattr(quick_look_process.sys, "executable", "/nonexistent/python")

    assert walked(resources_file) == own_quick_look(resources_file)


def test_the_helper_is_stopped_when_the_build_stops_at_a_bad_line(
    tmp_path: Path, helped: list[QuickLookHelper]
) -> None:
    path = tmp_path / "resources.jsonl"
    path.write_bytes(b"\n".join([orjson.dumps(well_shaped(n)) for n in range(5000)] + [b"{bad"]))

    with pytest.raises(SnapshotError, match="line 5001 is not valid JSON"):
        walked(path)

    (helper,) = helped
    assert helper._process is None  # closed: killed if it was still running, and waited for


def test_the_helper_runs_tenantmaps_own_code_whatever_folder_the_build_starts_in(
    resources_file: Path,
    helped: list[QuickLookHelper],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    answered: list[bool],
) -> None:
    impostor = tmp_path / "elsewhere" / "graph"
    impostor.mkdir(parents=True)
    (impostor / "__init__.py").write_text("")
    (impostor / "quick_look_process.py").write_text("import sys; sys.exit(0)\n")
    monkeypatch.chdir(impostor.parent)

    assert walked(resources_file) == own_quick_look(resources_file)
    assert answered and all(answered)
