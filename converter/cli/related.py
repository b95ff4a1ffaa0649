"""The ``related`` command: which WikiPathways pathways already cover a draft (or any GPML pathway)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..defaults import DEFAULT_RELATED_TOP
from .output import error, say, usage

if TYPE_CHECKING:
    from ..related import GeneSet, Ranking, RelatedIndex

__all__ = ["related", "related_index"]

_LABELS = 12  # shared genes named per pathway in the text output (JSON lists them all)
_WIKIPATHWAYS_HELP = (
    "The pathways to compare with: a checkout of wikipathways/wikipathways-database, any folder of GPML "
    "files, or a WikiPathways GMT file. Its index is kept in the data folder until PATH changes."
)


def related(
    drafts: Annotated[
        list[Path],
        typer.Argument(help="Drafts or other GPML files, or folders of them (searched recursively)."),
    ],
    wikipathways: Annotated[Path, typer.Option("--wikipathways", metavar="PATH", help=_WIKIPATHWAYS_HELP)],
    top: Annotated[int, typer.Option(min=1, help="Pathways listed per draft.")] = DEFAULT_RELATED_TOP,
    format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """List the WikiPathways pathways that share most genes with each draft (hypergeometric p, Jaccard).

    Genes are compared as Entrez Gene ids, within one organism. Exit 0 when every draft was ranked; 1 when one
    could not be read (the others still are) or PATH cannot be read; 2 on a usage error.
    """
    from ..inputs import find_gpml

    if format not in ("text", "json"):
        raise usage("--format must be text or json")
    missing = [p for p in drafts if not p.exists()]
    if missing:
        raise usage(f"{missing[0]}: no such file or folder")
    files = find_gpml(drafts)
    if not files:
        raise usage(f"no GPML files (.gpml) in {', '.join(map(str, drafts))}")
    index = related_index(wikipathways)
    results, failed = _rank_all(files, index, top, as_text=format == "text")
    if format == "json":
        say(json.dumps(results, indent=2, ensure_ascii=False))
    if failed:
        raise typer.Exit(1)


def related_index(path: Path, brief: bool = False) -> RelatedIndex:
    """The index of ``--wikipathways PATH``, described on stderr (``brief``: in one short line); a usage
    error when PATH is missing or holds no pathway, exit 1 when it cannot be read."""
    from ..errors import ConverterError
    from ..related import load_index

    if not path.exists():
        raise usage(f"--wikipathways {path}: no such file or folder")
    started = time.perf_counter()
    try:
        index = load_index(path)
    except ConverterError as exc:
        error(str(exc))
        raise typer.Exit(1) from None
    if not len(index):
        raise usage(
            f"--wikipathways {path}: no pathways found there; give a checkout of wikipathways-database, "
            "a folder of GPML files or a WikiPathways GMT file"
        )
    if brief:
        how = "from its cache" if index.cached else "indexed"
        typer.echo(f"related pathways: {len(index)} from {path} ({how})", err=True)
    else:
        _describe(index, time.perf_counter() - started)
    for line in (*index.skipped, index.note):
        if line:
            typer.echo(f"warning: {line}", err=True)
    return index


def _describe(index: RelatedIndex, seconds: float) -> None:
    """One line on stderr: what PATH holds and whether it was read or taken from the cache."""
    organisms = index.organisms()
    biggest = ", ".join(f"{count:,} {name}" for name, count in list(organisms.items())[:3])
    biggest += ", …" if len(organisms) > 3 else ""
    how = "from the cache" if index.cached else f"read in {seconds:.1f} s"
    typer.echo(
        f"{index.source}: {len(index):,} pathways of {len(organisms)} organisms ({biggest}), {how}", err=True
    )


def _rank_all(
    files: list[Path], index: RelatedIndex, top: int, as_text: bool
) -> tuple[list[dict[str, Any]], int]:
    """Rank each file, printing its lines as it goes when ``as_text``; the JSON objects, and the failures."""
    from ..errors import ConverterError
    from ..related import rank_gene_set, read_gene_set

    results: list[dict[str, Any]] = []
    failed = 0
    for path in files:
        try:
            draft = read_gene_set(path)
            ranking = rank_gene_set(draft, index, top)
        except Exception as exc:  # the CLI boundary: one line, never a traceback
            failed += 1
            message = str(exc)
            if not isinstance(exc, ConverterError):
                message = f"{path}: unexpected {type(exc).__name__}: {exc}"
            error(message)
            results.append({"file": str(path), "figid": path.stem, "error": message, "related": []})
            continue
        results.append(_as_json(path, draft, ranking))
        if as_text:
            _print(path, draft, ranking)
    return results, failed


def _as_json(path: Path, draft: GeneSet, ranking: Ranking) -> dict[str, Any]:
    matches = [
        m.summary()
        | {
            "shared_genes": [{"entrez": str(g), "label": draft.labels.get(g, "")} for g in m.shared],
            "nodes": m.nodes,
            "unmapped": m.unmapped,
        }
        for m in ranking.matches
    ]
    about = {"file": str(path), "figid": path.stem, "organism": draft.organism, "genes": len(draft.genes)}
    counts = {"nodes": draft.nodes, "unmapped": draft.unmapped, "reason": ranking.reason}
    return about | counts | {"related": matches}


def _print(path: Path, draft: GeneSet, ranking: Ranking) -> None:
    unmapped = f", {draft.unmapped} of {draft.nodes} gene nodes unmapped" if draft.unmapped else ""
    say(f"{path}: {draft.organism}, {len(draft.genes)} genes{unmapped}")
    if not ranking.matches:
        say(f"  no related pathway: {ranking.reason}")
    for m in ranking.matches:
        labels = ", ".join(draft.labels.get(g) or str(g) for g in m.shared[:_LABELS])
        labels += f" and {len(m.shared) - _LABELS} more" if len(m.shared) > _LABELS else ""
        nodes = f"; {m.unmapped} of its {m.nodes} gene nodes unmapped" if m.unmapped else ""
        say(
            f"  {m.wpid} {m.title}: {len(m.shared)} shared of {m.size} genes, p {m.p_value:.2g}, "
            f"Jaccard {m.jaccard:.2f}{nodes} ({labels})"
        )
