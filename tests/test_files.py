"""The one atomic writer: whole files or none, the tool's own temporary names, only those cleaned up."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from converter.errors import OutputError
from converter.files import (
    TEMPORARY_MARK,
    commit,
    discard,
    open_atomic,
    remove_leftovers,
    stage,
    write_atomic,
)


def _temporaries(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if TEMPORARY_MARK in p.name]


def test_a_file_appears_whole_and_replaces_the_old_one(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "er" / "a.gpml"  # missing folders are made
    write_atomic(target, b"old")
    write_atomic(target, b"new" * 100_000)
    assert target.read_bytes() == b"new" * 100_000
    assert _temporaries(target.parent) == []


def test_staged_files_appear_only_when_committed(tmp_path: Path) -> None:
    target = tmp_path / "a.svg"
    first, second = stage(target, b"1"), stage(target, b"2")  # one name staged twice: two temporary files
    assert first != second and not target.exists()
    assert sorted(_temporaries(tmp_path)) == sorted([Path(first).name, Path(second).name])
    commit(second, target)
    discard(first)
    assert target.read_bytes() == b"2" and _temporaries(tmp_path) == []


def test_an_error_inside_the_block_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    with pytest.raises(RuntimeError), open_atomic(target) as out:
        out.write(b"x" * 200_000)
        raise RuntimeError("the report failed half way")
    assert not target.exists() and _temporaries(tmp_path) == []


def test_a_folder_or_a_file_in_the_way_is_an_output_error(tmp_path: Path) -> None:
    (tmp_path / "a.gpml").mkdir()
    with pytest.raises(OutputError, match=r"a\.gpml: cannot write"):
        write_atomic(tmp_path / "a.gpml", b"x")
    (tmp_path / "file").write_text("")
    with pytest.raises(OutputError, match=r"file/b\.gpml: cannot write"):
        write_atomic(tmp_path / "file" / "b.gpml", b"x")
    assert _temporaries(tmp_path) == []


def test_only_the_tools_own_leftovers_are_removed(tmp_path: Path) -> None:
    mine = [f".a.gpml{TEMPORARY_MARK}123-0.tmp", f".b.svg{TEMPORARY_MARK}9-17.tmp"]
    theirs = [".notes.tmp", "draft.tmp", ".a.gpml.1234.tmp", "keep.gpml"]
    for name in mine + theirs:
        (tmp_path / name).write_text("x")
    assert remove_leftovers(tmp_path) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(theirs)
    assert remove_leftovers(tmp_path / "absent") == 0


_WRITE_OVER_LIMIT = """
import sys
from converter.files import write_atomic
write_atomic(sys.argv[1], b"x" * 1_000_000)
"""


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def test_a_short_write_then_a_failing_one_leave_nothing_under_the_name(tmp_path: Path) -> None:
    """With a 200 kB file size limit the kernel writes 200 kB of the megabyte, then refuses: the writer must
    go on writing, see the refusal, remove its temporary file, and say so."""
    target = tmp_path / "big.gpml"
    done = subprocess.run(
        [sys.executable, "-c", _WRITE_OVER_LIMIT, str(target)],
        preexec_fn=_limited,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])},
    )
    assert done.returncode == 1 and "OutputError" in done.stderr
    assert f"{target}: cannot write: the file size limit is reached" in done.stderr
    assert not target.exists() and _temporaries(tmp_path) == []
