"""PFOCR's per-figure tables (``<figid>-genes.tsv``, ``-chemicals.tsv``, ``-diseases.tsv``) as rows.

Columns are found by name, so older layouts read too; PFOCR's missing-value markers become ``""``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from .errors import RecordError

__all__ = [
    "NA_VALUES",
    "TABLE_KINDS",
    "ChemicalRow",
    "DiseaseRow",
    "GeneRow",
    "digits",
    "mesh_id",
    "parse_table",
]

#: Values PFOCR writes for "no value".
NA_VALUES = frozenset({"", "NA", ".na.character", "NaN", "nan", "NULL"})
TABLE_KINDS = ("genes", "chemicals", "diseases")


# Table rows are named tuples: a figure has dozens, and a tuple is made in C, several times faster
# than a frozen dataclass (which sets each field through object.__setattr__).
class GeneRow(NamedTuple):
    """One row of a genes table (or one inline gene of an older record)."""

    word: str
    symbol: str
    entrez: str
    organism: str = ""
    source: str = ""


class ChemicalRow(NamedTuple):
    """One row of a chemicals table: MeSH id (``D005227``) and ChEBI id (``CHEBI:35366``) when known."""

    word: str
    name: str = ""
    mesh: str = ""
    chebi: str = ""


class DiseaseRow(NamedTuple):
    """One row of a diseases table: MeSH id and Disease Ontology id (``DOID:1612``) when known."""

    word: str
    name: str = ""
    mesh: str = ""
    doid: str = ""


def _na(text: str) -> str:
    """A stripped cell, with PFOCR's missing-value markers as ``""``."""
    return "" if text in NA_VALUES else text


def digits(text: str) -> str:
    return text if text.isdigit() else ""


def mesh_id(text: str) -> str:
    """``mesh:D005227`` or ``D005227`` → ``D005227``; anything else → ``""``."""
    ident = text.split(":", 1)[1] if text.lower().startswith("mesh:") else text
    return ident if re.fullmatch(r"[CD]\d{6,9}", ident) else ""


def _prefixed(text: str, prefix: str) -> str:
    """``chebi:35366`` → ``CHEBI:35366``, ``doid:1612`` → ``DOID:1612``; anything else → ``""``."""
    head, _, tail = text.partition(":")
    return f"{prefix}:{tail}" if head.upper() == prefix and tail.isdigit() else ""


def _padded(text: str) -> bool:
    """Whether a table may have a cell that stripping changes; False is sure, True may be wrong.

    In ASCII text, once ``_decode`` has dropped control characters and carriage returns, the only white
    space besides tabs and newlines is the space: a few substring searches in C tell. Other text may
    hold any of Unicode's spaces, so its cells are stripped one by one.
    """
    if not text.isascii():
        return True
    return (
        " \t" in text
        or "\t " in text
        or " \n" in text
        or "\n " in text
        or text[:1] == " "
        or text[-1:] == " "
    )


def _tsv_columns(text: str) -> tuple[dict[str, int], int, Callable[[str], list[str]]]:
    """A table's columns by name, its row count, and a getter of a column: cells stripped, ``""`` where
    missing. Column by column, the rows of a table are read in a few C-level passes."""
    lines = text.split("\n")
    header = lines[0].split("\t") if lines else []
    rows = [line.split("\t") for line in lines[1:] if line.strip()]
    where = {name.strip(): i for i, name in enumerate(header)}
    # Most tables have no padded cell and no short row: their columns are read without a call per cell.
    padded = _padded(text)
    shortest = min(map(len, rows), default=0)

    def column(name: str) -> list[str]:
        i = where.get(name)
        if i is None:
            return [""] * len(rows)
        if i < shortest and not padded:
            return [row[i] for row in rows]
        return [row[i].strip() if i < len(row) else "" for row in rows]

    return where, len(rows), column


def parse_table(
    text: str, path: Path, kind: str
) -> tuple[GeneRow, ...] | tuple[ChemicalRow, ...] | tuple[DiseaseRow, ...]:
    """A ``-genes``, ``-chemicals`` or ``-diseases`` table's text as rows, columns found by name (older
    layouts too); RecordError naming ``path`` when a genes table has no ``word`` column."""
    where, count, column = _tsv_columns(text)
    if kind == "genes":
        if count and "word" not in where:
            raise RecordError(f"{path}: not a genes table (no 'word' column)")
        # "NA" is a real fly gene symbol: a symbol is missing only when the id is too.
        entrez = [digits(ident) for ident in column("ncbigene_id")]
        organisms = [_na(text) for text in column("organism_name")]
        sources = [_na(text) for text in column("source")]
        return tuple(map(GeneRow, column("word"), column("ncbigene_symbol"), entrez, organisms, sources))
    if kind == "chemicals":
        names = [_na(a) or _na(b) for a, b in zip(column("name"), column("match"), strict=True)]
        by_source = zip(column("identifier"), column("source"), strict=True)
        mesh_of_source = [ident if source == "MESH" else "" for ident, source in by_source]
        mesh = [mesh_id(a or b) for a, b in zip(column("mesh"), mesh_of_source, strict=True)]
        chebi = [_prefixed(text, "CHEBI") for text in column("chebi")]
        return tuple(map(ChemicalRow, column("word"), names, mesh, chebi))
    if kind == "diseases":
        names = [_na(a) or _na(b) for a, b in zip(column("name"), column("match"), strict=True)]
        mesh = [mesh_id(text) for text in column("mesh")]
        doid = [_prefixed(text, "DOID") for text in column("doid")]
        return tuple(map(DiseaseRow, column("word"), names, mesh, doid))
    raise ValueError(f"unknown table kind {kind!r}")
