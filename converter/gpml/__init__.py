"""GPML 2013a, WikiPathways' format: read it safely, write it from the model, check it as WikiPathways does.

- :mod:`.markup`: namespaces, tag names, escaping, the Author list: GPML as text, in one place.
- :mod:`.reader`: the safe parser. :mod:`.writer`: ``Pathway`` → GPML bytes.
- :mod:`.check`: ``validate`` (input, declaration, start tag, XSD) around :mod:`.rules` (WikiPathways'
  submission rules), with BridgeDb's identifier patterns from :mod:`.datasources`; :mod:`.findings` holds
  the one table of rule ids and severities.
"""

from .check import RULE_SETS, RULES, validate, validate_paths, validate_tree
from .findings import ERROR, WARNING, Finding, Rule, has_errors
from .markup import BIOPAX_NS, GPML_NS, KNOWN_NAMESPACES, RDF_NS, format_authors, parse_authors
from .reader import MAX_GPML_BYTES, parse_gpml
from .writer import to_gpml, write_gpml

__all__ = [
    "BIOPAX_NS",
    "ERROR",
    "GPML_NS",
    "KNOWN_NAMESPACES",
    "MAX_GPML_BYTES",
    "RDF_NS",
    "RULES",
    "RULE_SETS",
    "WARNING",
    "Finding",
    "Rule",
    "format_authors",
    "has_errors",
    "parse_authors",
    "parse_gpml",
    "to_gpml",
    "validate",
    "validate_paths",
    "validate_tree",
    "write_gpml",
]
