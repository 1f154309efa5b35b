"""A read-only or full file system gives one sentence naming the folder (issue 10, item 11).

Real file systems, not patched calls: a small tmpfs mounted read-only or nearly
full. Mounting needs root (CAP_SYS_ADMIN); elsewhere these tests skip.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.helpers import one_sentence_error, tenantmap


def _mount(where: Path, options: str) -> Iterator[Path]:
    where.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tenantmap-test", str(where)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=True)


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    yield from _mount(tmp_path / "ro", "ro,size=64k")


@pytest.fixture
def nearly_full(tmp_path: Path) -> Iterator[Path]:
    """48 KiB: room for a folder, not for a snapshot or the reports."""
    yield from _mount(tmp_path / "full", "size=48k")


def test_crawl_into_a_read_only_folder_is_refused_before_crawling(
    read_only: Path, tmp_state: Path, sample_estate: Path
) -> None:
    result = tenantmap(
        "crawl", "--estate", str(sample_estate), "--out", str(read_only / "snap"),
        "--state-dir", str(tmp_state),
    )  # fmt: skip
    assert result.code == 2
    assert one_sentence_error(result) == (
        f"tenantmap: could not write files in {read_only}: Read-only file system"
    )
    assert "crawling" not in result.stderr


def test_a_full_disk_during_the_crawl_names_the_folder_and_leaves_no_debris(
    nearly_full: Path, tmp_state: Path, sample_estate: Path
) -> None:
    result = tenantmap(
        "crawl", "--estate", str(sample_estate), "--out", str(nearly_full / "snap"),
        "--state-dir", str(tmp_state), "--quiet",
    )  # fmt: skip
    assert result.code == 3
    assert one_sentence_error(result) == (
        f"tenantmap: could not write the snapshot in {nearly_full}: No space left on device"
    )
    assert list(nearly_full.iterdir()) == []


def test_a_full_disk_while_writing_reports_names_the_folder(
    nearly_full: Path, tmp_path: Path, tmp_state: Path, sample_estate: Path
) -> None:
    snap = tmp_path / "snap"
    crawled = tenantmap(
        "crawl", "--estate", str(sample_estate), "--out", str(snap), "--state-dir", str(tmp_state)
    )
    assert crawled.code == 0, crawled.stderr
    result = tenantmap(
        "analyse", "--snapshot", str(snap), "--inventory", str(sample_estate / "inventory.yaml"),
        "--out", str(nearly_full / "report"), "--state-dir", str(tmp_state),
    )  # fmt: skip
    assert result.code == 3
    assert one_sentence_error(result) == (
        f"tenantmap: could not write the reports in {nearly_full / 'report'}: "
        "No space left on device"
    )
    assert list((nearly_full / "report").iterdir()) == []
