"""Shared fixtures: the read-only corpora in ../shared, skipped with a reason where absent."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
PFOCR = SHARED / "corpora" / "pfocr"
WIKIPATHWAYS_TAR = SHARED / "corpora" / "wikipathways-gpml-c0aa5fd.tar.xz"
SAMPLES = REPO / "samples"
TEST_DATA = REPO / "tests" / "data"


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(
            f"corpus not available: {path} (it exists beside the repository in CI, not in a fresh clone)"
        )
    return path


@pytest.fixture(scope="session")
def pfocr_dir() -> Path:
    """The shared PFOCR corpus, laid out like a pfocr-database checkout."""
    return _need(PFOCR)


@pytest.fixture(scope="session")
def wikipathways_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2,095 live WikiPathways pathways, unpacked once per session; returns the folder of WP*/ folders."""
    tar = _need(WIKIPATHWAYS_TAR)
    target = tmp_path_factory.mktemp("wikipathways")
    with tarfile.open(tar, "r:xz") as archive:
        archive.extractall(target, filter="data")
    return target / "pathways"


@pytest.fixture(scope="session")
def wikipathways_files(wikipathways_dir: Path) -> list[Path]:
    """Every live pathway file, sorted."""
    return sorted(wikipathways_dir.glob("WP*/WP*.gpml"))
