"""BridgeDb's data sources: the database names, system codes and identifier patterns WikiPathways uses.

The table ships as package data (``converter/data/datasources.tsv``, from BridgeDb, Apache-2.0; see
``converter/data/DATASOURCES.md``) and is read once, on first use.

Example: ``lookup("Entrez Gene").matches("3716")`` is True, ``matches("JAK1")`` is False.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["DataSource", "datasources", "lookup", "problem", "suggest"]


@dataclass(frozen=True)
class DataSource:
    """One BridgeDb data source.

    ``pattern`` is None where BridgeDb gives none; then every identifier is accepted.
    """

    name: str
    system_code: str
    example: str
    pattern: re.Pattern[str] | None

    def matches(self, identifier: str) -> bool:
        """True when the whole identifier matches BridgeDb's pattern (as Java's ``Matcher.matches``)."""
        return self.pattern is None or self.pattern.fullmatch(identifier) is not None


@cache
def datasources() -> dict[str, DataSource]:
    """All data sources by their full name, exactly as GPML's ``Xref Database`` spells them."""
    text = resources.files("converter.data").joinpath("datasources.tsv").read_text(encoding="utf-8")
    table: dict[str, DataSource] = {}
    for row in csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE):
        regex = row["regex"]
        # BridgeDb's patterns are Java regexes, where \d and \w mean ASCII only.
        pattern = re.compile(regex, re.ASCII) if regex else None
        name = row["datasource_name"]
        table[name] = DataSource(name, row["system_code"], row["example_identifier"], pattern)
    return table


def lookup(name: str) -> DataSource | None:
    """The data source with exactly this full name, or None."""
    return datasources().get(name)


@cache
def _aliases() -> dict[str, str]:
    aliases = {source.system_code: name for name, source in datasources().items()}
    aliases.update({name.casefold(): name for name in datasources()})
    return aliases


def suggest(name: str) -> str | None:
    """The full name meant by a misspelt name or a system code (``"Chemspider"`` for ``"ChemSpider"``)."""
    aliases = _aliases()
    return aliases.get(name) or aliases.get(name.strip().casefold())


@cache
def problem(database: str, identifier: str) -> tuple[str, str] | None:
    """What is wrong with an Xref, as ``("database" | "id", message)``, or None when BridgeDb accepts it.

    Example: ``problem("Entrez Gene", "JAK1")`` says JAK1 is not a valid Entrez Gene ID (e.g. '100010').
    """
    if not database.strip():
        return "database", f"ID {identifier!r} has no database"
    source = lookup(database)
    if source is None:
        hint = suggest(database)
        advice = f"did you mean {hint!r}?" if hint else "use a BridgeDb data source name"
        return "database", f"database {database!r} is unknown to BridgeDb; {advice}"
    if not identifier.strip():
        return "id", f"names {database} but gives no ID"
    if not source.matches(identifier):
        example = f" (e.g. {source.example!r})" if source.example else ""
        return "id", f"{identifier!r} is not a valid {database} ID{example}"
    return None
