"""The pathways drafts are compared with: gene sets by organism, from GPML files or a WikiPathways GMT file.

PATH is a checkout of ``wikipathways/wikipathways-database`` (its ``pathways/`` folder is searched), any
folder of GPML files (searched recursively, as ``validate`` searches), one GPML file, or a GMT file: the gene
sets WikiPathways releases monthly, one pathway a line, ``<title>%WikiPathways_<date>%WP<id>%<organism>``,
its URL, then its genes as Entrez Gene ids. :func:`build_index` reads them; :mod:`.cache` keeps the result.

Example: ``build_index(Path("wikipathways-database")).organism("Homo sapiens").universe`` is the number of
human genes that some human pathway holds.
"""

from __future__ import annotations

import logging
import multiprocessing
import re
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import ConverterError, SchemaError
from ..inputs import find_gpml
from ..workers import process_context, usable_cpus
from .genesets import GeneSet, organism_key, read_gene_set
from .xrefs import entrez_id

__all__ = [
    "MAX_GMT_BYTES",
    "MIN_FILES_FOR_PROCESSES",
    "OrganismSets",
    "RelatedError",
    "RelatedIndex",
    "build_index",
    "gpml_files",
    "id_order",
    "index_gpml",
    "is_gmt",
    "parse_gmt",
    "read_gmt_bytes",
]

_log = logging.getLogger(__name__)
#: A GMT file larger than this is refused (WikiPathways' whole release is about 2 MB).
MAX_GMT_BYTES = 256 * 1024 * 1024
#: Fewer GPML files than this are read in this process; more are shared among worker processes.
MIN_FILES_FOR_PROCESSES = 200
_WP_ID = re.compile(r"WP(\d+)")


class RelatedError(ConverterError):
    """The pathways to compare with cannot be read (a damaged GMT file, a gene table that is damaged)."""


def id_order(identifier: str) -> tuple[int, int, str]:
    """Sort key for pathway ids: WP ids by number (WP2 before WP10), then any other id by its text."""
    found = _WP_ID.fullmatch(identifier)
    return (0, int(found.group(1)), "") if found else (1, 0, identifier)


@dataclass(frozen=True)
class OrganismSets:
    """One organism's pathways, and for each gene the positions of the pathways that hold it.

    ``universe`` is the number of that organism's genes found in any of them: the population of the
    hypergeometric test (:mod:`.score`).
    """

    organism: str
    sets: tuple[GeneSet, ...]
    postings: Mapping[int, tuple[int, ...]]

    @property
    def universe(self) -> int:
        return len(self.postings)


class RelatedIndex:
    """The gene sets of PATH's pathways, grouped by organism, ready to rank drafts against.

    ``skipped`` names the files that could not be read (and why); ``cached`` says whether the sets came
    from the cache, ``note`` why the cache was not used or written ("" when all went well).
    """

    def __init__(
        self, source: str, sets: Iterable[GeneSet], skipped: Sequence[str] = (), cached: bool = False
    ) -> None:
        self.source = source
        self.sets = tuple(sorted(sets, key=lambda s: (s.organism, id_order(s.id), s.title)))
        self.skipped = tuple(skipped)
        self.cached = cached
        self.note = ""
        self._organisms = _group(self.sets)

    def __len__(self) -> int:
        return len(self.sets)

    def __repr__(self) -> str:
        return f"RelatedIndex({self.source!r}, {len(self)} pathways, {len(self._organisms)} organisms)"

    def organism(self, name: str) -> OrganismSets | None:
        """The pathways of one organism (named as WikiPathways spells it, or any case), or None."""
        return self._organisms.get(organism_key(name))

    def organisms(self) -> dict[str, int]:
        """Pathways per organism, the organism with most first."""
        counts = {name: len(group.sets) for name, group in self._organisms.items()}
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _group(sets: Sequence[GeneSet]) -> dict[str, OrganismSets]:
    grouped: dict[str, list[GeneSet]] = {}
    for gene_set in sets:
        grouped.setdefault(gene_set.organism, []).append(gene_set)
    out = {}
    for organism, members in grouped.items():
        postings: dict[int, list[int]] = {}
        for position, gene_set in enumerate(members):
            for gene in gene_set.genes:
                postings.setdefault(gene, []).append(position)
        frozen = {gene: tuple(positions) for gene, positions in postings.items()}
        out[organism] = OrganismSets(organism, tuple(members), frozen)
    return out


def is_gmt(path: Path) -> bool:
    """True when PATH is a file other than a GPML file: read as GMT."""
    return path.is_file() and path.suffix.casefold() != ".gpml"


def gpml_files(path: Path) -> list[Path]:
    """The GPML files of PATH: a checkout's ``pathways/`` folder, else the folder (or file) itself."""
    folder = path / "pathways"
    return find_gpml([folder if folder.is_dir() else path])


def build_index(path: Path, workers: int | None = None) -> RelatedIndex:
    """Read PATH's pathways (no cache: see :func:`~.cache.load_index`). A GPML file that cannot be read is
    skipped and named in ``skipped``; RelatedError when a GMT file cannot be read."""
    if is_gmt(path):
        return RelatedIndex(str(path), parse_gmt(read_gmt_bytes(path), str(path)))
    return index_gpml(path, gpml_files(path), workers)


def index_gpml(path: Path, files: Sequence[Path], workers: int | None = None) -> RelatedIndex:
    """The index of some GPML files (read in worker processes when there are many)."""
    sets, skipped = [], []
    for found in _read_all(files, workers):
        if isinstance(found, GeneSet):
            sets.append(found)
        else:
            skipped.append(found)
    return RelatedIndex(str(path), sets, skipped)


def _read_one(path: Path) -> GeneSet | str:
    """A file's gene set, or why it cannot be read (a damaged gene table stops the whole index)."""
    try:
        return replace(read_gene_set(path), labels={})  # labels are for drafts' output only
    except SchemaError as exc:
        return str(exc)


def _read_all(files: Sequence[Path], workers: int | None) -> Iterable[GeneSet | str]:
    workers = min(workers or usable_cpus(), len(files))
    if workers < 2 or len(files) < MIN_FILES_FOR_PROCESSES or multiprocessing.current_process().daemon:
        return [_read_one(path) for path in files]
    _log.debug("reading %d GPML files in %d processes", len(files), workers)
    with ProcessPoolExecutor(workers, mp_context=process_context()) as pool:
        return list(pool.map(_read_one, files, chunksize=max(1, min(64, len(files) // (4 * workers)))))


def read_gmt_bytes(path: Path) -> bytes:
    """A GMT file's bytes; RelatedError when it cannot be read or is over :data:`MAX_GMT_BYTES`."""
    try:
        if path.stat().st_size > MAX_GMT_BYTES:
            raise RelatedError(f"{path}: larger than {MAX_GMT_BYTES // 2**20} MiB, not read as a GMT file")
        return path.read_bytes()
    except OSError as exc:
        raise RelatedError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def parse_gmt(data: bytes, name: str) -> list[GeneSet]:
    """The gene sets of a WikiPathways GMT file, one a line: ``<title>%WikiPathways_<date>%WP<id>%<organism>``
    then a URL, then Entrez Gene ids (tab-separated). A cell that is not an Entrez Gene id counts as unmapped.

    RelatedError naming the file and line when a line is not of that form.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RelatedError(f"{name}: not a GMT file (not UTF-8 text at byte {exc.start})") from exc
    sets = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        cells = line.split("\t")
        parts = cells[0].split("%")
        if len(cells) < 2 or len(parts) < 4 or not _WP_ID.fullmatch(parts[-2].strip()):
            raise RelatedError(
                f"{name}:{number}: not a WikiPathways GMT line (expected "
                "<title>%WikiPathways_<date>%WP<id>%<organism>, a URL, then Entrez Gene ids, tab-separated)"
            )
        ids = [cell.strip() for cell in cells[2:] if cell.strip()]
        genes = frozenset(gene for gene in map(entrez_id, ids) if gene is not None)
        unmapped = sum(entrez_id(cell) is None for cell in ids)
        title = " ".join("%".join(parts[:-3]).split())
        sets.append(GeneSet(parts[-2].strip(), title, organism_key(parts[-1]), genes, len(ids), unmapped))
    return sets
