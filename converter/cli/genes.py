"""The ``genes`` commands: import NCBI Gene ``gene_info`` files as gene tables; list the tables available."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from .output import attempt, error, say, usage

__all__ = ["genes_app"]

genes_app = typer.Typer(
    name="genes",
    help="Gene tables: the embedded ones (human, mouse, rat) and those imported from NCBI Gene's gene_info.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@genes_app.command("import")
def import_tables(
    files: Annotated[
        list[Path],
        typer.Argument(help="NCBI gene_info files, e.g. Drosophila_melanogaster.gene_info.gz (or unzipped)."),
    ],
) -> None:
    """Import gene_info files: keywords of their organisms are then resolved offline (convert, batch).

    Mouse and rat, whose tables are embedded, are imported for related only: their MGI, RGD and Ensembl
    Xrefs get Entrez Gene ids.

    Tables are kept in the data folder: PFOCR2GPML_DATA, else the platform's user data folder. Importing an
    organism again replaces its table. Exit 0 when all were imported, 1 when one failed, 2 on a usage error.
    """
    from ..gene_info import import_gene_info

    for path in files:
        if not path.exists():
            raise usage(f"{path}: no such file")
        if path.is_dir():
            raise usage(f"{path}: is a folder; give gene_info files")
    failed = 0
    for path in files:
        table = attempt(path, import_gene_info, path)
        if table is None:
            failed += 1
            continue
        say(
            f"{table.organism}: {table.genes:,} genes from {table.source} (newest {table.modified or '?'}, "
            f"sha256 {table.sha256[:12]}) -> {table.path}{_supplement(table.organism)}"
        )
    if failed:
        raise typer.Exit(1)


@genes_app.command("list")
def list_tables(
    as_json: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
) -> None:
    """List the gene tables keywords are resolved with: embedded, and imported (with their provenance).

    Exit 1 when an imported table is damaged or missing (it is named, with what to do).
    """
    from ..errors import ConverterError
    from ..gene_info import genes_folder, stored_problems, stored_tables
    from ..genes import EMBEDDED_SOURCES, gene_index

    try:
        rows = [
            {"organism": o, "source": s, "genes": len(gene_index(o))} for o, s in EMBEDDED_SOURCES.items()
        ]
    except ConverterError as exc:
        error(str(exc))
        raise typer.Exit(1) from None
    for table in stored_tables().values():
        rows.append(
            {"organism": table.organism, "source": table.source, "genes": table.genes, "rows": table.rows}
            | {"modified": table.modified, "sha256": table.sha256, "table": str(table.path)}
        )
    folder, problems = genes_folder(), stored_problems()
    if as_json:
        say(json.dumps({"folder": str(folder), "tables": rows, "problems": problems}, indent=2))
    else:
        for row in rows:
            imported = (
                f", newest {row['modified']}, sha256 {str(row['sha256'])[:12]}" if "sha256" in row else ""
            )
            supplement = _supplement(str(row["organism"])) if imported else ""
            say(f"{row['organism']}: {row['genes']:,} genes, {row['source']}{imported}{supplement}")
        say(f"imported tables are kept in {folder}")
    for problem in problems:
        error(problem)
    if problems:
        raise typer.Exit(1)


def _supplement(organism: str) -> str:
    """What an imported table of an organism with an embedded one is for ("" for the others)."""
    from ..gene_info import taxon_of

    taxon = taxon_of(organism)
    if taxon is None or not taxon.supplement:
        return ""
    return (
        f"; used by related, for the Entrez Gene ids of {taxon.database} and Ensembl Xrefs"
        " (conversion keeps the embedded table)"
    )
