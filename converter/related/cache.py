"""The index of PATH kept between runs: a batch or a second command does not read 2,000 pathways again.

One JSON file per PATH in ``related/`` of the data folder (:func:`converter.datadir.data_folder`), named by
a hash of PATH's absolute path and written atomically (:func:`converter.files.write_atomic`). It holds the
gene sets and a signature: for GPML files, each file's path, size and modification time; for a GMT file, a
hash of its bytes; for both, this version of pfocr2gpml and the imported gene tables (which map Xrefs to
Entrez Gene ids). A cache whose signature differs from PATH's now is rebuilt and replaced; one that cannot
be read is rebuilt; one that cannot be written leaves the index uncached, and ``RelatedIndex.note`` says so.

Example: ``load_index(Path("wikipathways-database"))`` reads the pathways once, then the cache.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from .. import __version__
from ..datadir import data_folder
from ..errors import OutputError
from ..files import write_atomic
from ..gene_info import stored_tables
from .genesets import GeneSet
from .index import RelatedIndex, gpml_files, index_gpml, is_gmt, parse_gmt, read_gmt_bytes

__all__ = ["CACHE_FOLDER", "cache_file", "load_index"]

_log = logging.getLogger(__name__)
#: The cache's folder inside the data folder.
CACHE_FOLDER = "related"
_FORMAT = 1  # changes when the file's layout or the way gene sets are read changes


def cache_file(path: Path) -> Path:
    """Where PATH's index is kept: ``<data folder>/related/<hash of its absolute path>.json``."""
    key = hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return data_folder() / CACHE_FOLDER / f"{key}.json"


def load_index(path: Path, cache: bool = True, workers: int | None = None) -> RelatedIndex:
    """PATH's index: from the cache when PATH is unchanged since it was kept, else read and kept.

    ``cache=False`` reads PATH and leaves the cache alone. ``workers`` as for
    :func:`~.index.build_index`. RelatedError when a GMT file cannot be read.
    """
    build: Callable[[], RelatedIndex]
    if is_gmt(path):
        data = read_gmt_bytes(path)
        signature = _signature(["gmt", hashlib.sha256(data).hexdigest()])
        build = partial(_gmt_index, path, data)
    else:
        files = gpml_files(path)
        signature = _signature(["gpml", *_stats(path, files)])
        build = partial(index_gpml, path, files, workers)
    target = cache_file(path)
    if cache:
        kept = _read(target, signature, str(path))
        if kept is not None:
            return kept
    index = build()
    if cache and index.sets:
        try:
            write_atomic(target, _dump(index, signature))
        except OutputError as exc:
            index.note = f"the index is not cached: {exc}"  # the caller shows it
    return index


def _gmt_index(path: Path, data: bytes) -> RelatedIndex:
    return RelatedIndex(str(path), parse_gmt(data, str(path)))


def _stats(path: Path, files: Sequence[Path]) -> list[str]:
    """Each file's path inside PATH, size and modification time (a file that vanished since it was listed:
    none)."""
    out = []
    for file in files:
        name = file.relative_to(path).as_posix() if file != path else file.name
        try:
            stat = file.stat()
        except OSError:
            out.append(f"{name}\t-")
            continue
        out.append(f"{name}\t{stat.st_size}\t{stat.st_mtime_ns}")
    return out


def _signature(parts: list[str]) -> str:
    """A hash of what the index depends on: PATH's files, this version, the imported gene tables."""
    tables = sorted(table.path.name for table in stored_tables().values())  # named by their content
    text = "\n".join([f"format {_FORMAT}", f"pfocr2gpml {__version__}", *tables, *parts])
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def _dump(index: RelatedIndex, signature: str) -> bytes:
    sets = [[s.id, s.title, s.organism, s.nodes, s.unmapped, sorted(s.genes)] for s in index.sets]
    document = {"format": _FORMAT, "source": index.source, "signature": signature}
    document |= {"skipped": list(index.skipped), "sets": sets}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _read(target: Path, signature: str, source: str) -> RelatedIndex | None:
    """The kept index when its signature is ``signature``; None when there is none, it is stale or damaged."""
    try:
        document: Any = json.loads(target.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        _log.info("%s: cannot read the kept index (%s); reading the pathways again", target, exc)
        return None
    try:
        if document["format"] != _FORMAT or document["signature"] != signature:
            return None
        sets = [
            GeneSet(str(i), str(title), str(organism), frozenset(map(int, genes)), int(nodes), int(unmapped))
            for i, title, organism, nodes, unmapped, genes in document["sets"]
        ]
        return RelatedIndex(source, sets, [str(line) for line in document["skipped"]], cached=True)
    except (KeyError, TypeError, ValueError) as exc:
        _log.info("%s: the kept index is damaged (%s); reading the pathways again", target, exc)
        return None
