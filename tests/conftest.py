"""Shared fixtures: the read-only corpora in ../shared, skipped with a reason where absent."""

from __future__ import annotations

import tarfile
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pytest
from lxml import etree

from converter.defaults import DATA_ENV
from converter.pipeline import Conversion, ConvertOptions, convert_record

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
PFOCR = SHARED / "corpora" / "pfocr"
WIKIPATHWAYS_TAR = SHARED / "corpora" / "wikipathways-gpml-c0aa5fd.tar.xz"
SAMPLES = REPO / "samples"
TEST_DATA = REPO / "tests" / "data"
#: The GPML 2013a schema as the installed package ships it (what users get), not the repository's copy.
XSD = etree.XMLSchema(etree.fromstring(files("converter.schemas").joinpath("GPML2013a.xsd").read_bytes()))


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


@pytest.fixture(scope="session")
def conversions(pfocr_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[Path, Conversion]:
    """Every record of the shared corpus (``_figures/`` and ``legacy/``) converted once, with default options:
    record path → what became of it."""
    out = tmp_path_factory.mktemp("drafts")
    records = sorted(pfocr_dir.glob("_figures/*.md")) + sorted(pfocr_dir.glob("legacy/*.md"))
    converted = {}
    for path in records:
        folder = out / path.parent.name  # legacy/ and _figures/ share figids
        converted[path] = convert_record(path, folder, ConvertOptions())
    return converted


GENE_INFO = SHARED / "corpora" / "ncbi-gene-info"


@pytest.fixture(scope="session")
def gene_info_dir() -> Path:
    """NCBI Gene gene_info files of fly, zebrafish and yeast, read in place (never copied into the repo)."""
    return _need(GENE_INFO)


@pytest.fixture(scope="session", autouse=True)
def _no_imported_gene_tables(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every test starts from an empty data folder: tables a developer imported do not change any result
    (subprocesses and batch workers inherit it too); tests that import point PFOCR2GPML_DATA elsewhere."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(DATA_ENV, str(tmp_path_factory.mktemp("empty-data-folder")))
        yield
