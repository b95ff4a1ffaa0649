"""The validator: one injected defect per test, caught by its rule and only it; safety; the live corpus."""

from __future__ import annotations

import ast
import multiprocessing
import re
import time
from pathlib import Path

import pytest
from lxml import etree

import converter.gpml.check as validate_module
import converter.gpml.findings as findings_module
import converter.gpml.reader as reader_module
import converter.gpml.rules as rules_module
from converter.gpml import (
    RULE_SETS,
    RULES,
    Finding,
    has_errors,
    validate,
    validate_paths,
    validate_tree,
)
from converter.gpml.datasources import datasources, lookup, problem, suggest
from converter.gpml.findings import Findings
from converter.gpml.rules import check_submission

from .conftest import REPO, TEST_DATA

VALID = TEST_DATA / "minimal-valid.gpml"
TEXT = VALID.read_text(encoding="utf-8")
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
CITATION = "  <BiopaxRef>cite1</BiopaxRef>\n"
VERSION_AUTHOR, ORGANISM = (
    ' Version="WP0_r20240101000000" Author="[pfocr2gpml tests]"',
    ' Organism="Homo sapiens"',
)
NO_DB = '<bp:DB rdf:datatype="http://www.w3.org/2001/XMLSchema#string">PubMed</bp:DB>'


def mutate(old: str, new: str) -> bytes:
    """The valid fixture with one defect: the first ``old`` replaced by ``new``."""
    assert old in TEXT, old
    return TEXT.replace(old, new, 1).encode("utf-8")


def rules_fired(data: bytes, rules: str = "all") -> set[str]:
    return {finding.rule for finding in validate(data, rules)}


def test_fixture_passes_every_rule() -> None:
    assert validate(VALID) == []
    assert validate(VALID.read_bytes(), "schema") == []
    assert validate(str(VALID), "submission") == []


MUTATIONS = [
    # (defect, old text, new text, the one rule that must fire)
    ("missing InfoBox", '  <InfoBox CenterX="0.0" CenterY="0.0" />\n', "", "schema"),
    ("unknown attribute", 'Type="Metabolite"', 'Type="Metabolite" Colour="red"', "schema"),
    ("duplicate GraphId", 'GraphId="l1"', 'GraphId="n1"', "unique-graphid"),
    (
        "duplicate GroupId",
        '<Group GroupId="grp1" GraphId="g1" Style="Complex" />',
        '<Group GroupId="grp1" GraphId="g1" Style="Complex" />\n  <Group GroupId="grp1" />',
        "unique-graphid",
    ),
    (
        "dangling GroupRef",
        'GraphId="n3" Type="GeneProduct" GroupRef="grp1"',
        'GraphId="n3" Type="GeneProduct" GroupRef="grp9"',
        "groupref",
    ),
    ("dangling Point GraphRef", 'GraphRef="n4"', 'GraphRef="n9"', "graphref"),
    ("dangling State GraphRef", 'GraphRef="n3"', 'GraphRef="n8"', "graphref"),
    (
        "dangling BiopaxRef",
        "    <BiopaxRef>cite1</BiopaxRef>",
        "    <BiopaxRef>cite9</BiopaxRef>",
        "biopaxref",
    ),
    ("malformed Entrez ID", 'ID="3716"', 'ID="JAK1"', "xref-id-pattern"),
    ("malformed ChEBI ID", 'ID="CHEBI:15422"', 'ID="ChEBI 15422"', "xref-id-pattern"),
    (
        "database without ID",
        '<Xref Database="" ID="" />',
        '<Xref Database="Rhea" ID="" />',
        "xref-id-pattern",
    ),
    ("unknown database", 'Database="Entrez Gene" ID="3716"', 'Database="NCBI" ID="3716"', "xref-database"),
    ("ID without database", '<Xref Database="" ID="" />', '<Xref Database="" ID="12345" />', "xref-database"),
    ("empty bp:ID", ">17502367<", "><", "empty-biopax-id"),
    ("no encoding", DECLARATION, '<?xml version="1.0"?>\n', "xml-declaration"),
    ("no XML declaration", DECLARATION, "", "xml-declaration"),
    ("Latin-1 declared", 'encoding="UTF-8"', 'encoding="ISO-8859-1"', "encoding"),
    ("short title", 'Name="JAK-STAT signalling (test)"', 'Name="JAK-STAT"', "title-length"),
    ("no Organism", ' Organism="Homo sapiens"', "", "organism"),
    ("empty Author", 'Author="[pfocr2gpml tests]"', 'Author=" "', "author"),
    ("Author not bracketed", 'Author="[pfocr2gpml tests]"', 'Author="pfocr2gpml tests"', "author-list"),
    ("Author naming no one", 'Author="[pfocr2gpml tests]"', 'Author="[ ]"', "author-list"),
    ("no Version", ' Version="WP0_r20240101000000"', "", "version"),
    ("Version without '_'", 'Version="WP0_r20240101000000"', 'Version="r20240101000000"', "version"),
    ("Organism not last", f"{VERSION_AUTHOR}{ORGANISM}>", f"{ORGANISM}{VERSION_AUTHOR}>", "organism-last"),
    (
        "start tag over two lines",
        ' Organism="Homo sapiens">',
        '\n    Organism="Homo sapiens">',
        "organism-last",
    ),
    ("start tag broken after its name", "<Pathway xmlns=", "<Pathway\n  xmlns=", "organism-last"),
    ("text after the start tag", 'sapiens">\n  <Comment', 'sapiens"><Comment', "organism-last"),
    (
        "declaration gpml2pvjson cannot find",
        DECLARATION,
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n',
        "xml-declaration",
    ),
    ("PMC reference", ">PubMed<", ">PMC<", "literature-database"),
    ("reference without bp:DB", NO_DB, "", "literature-database"),
    (
        "short first description line",
        "hand-written pathway for the validator's tests:",
        "hand-written pathway.\nFor the validator's tests:",
        "description-first-line",
    ),
    ("no board", '  <Graphics BoardWidth="400.0" BoardHeight="300.0" />\n', "", "board-size"),
    ("zero board", 'BoardWidth="400.0"', 'BoardWidth="0"', "board-size"),
    ("short description", "A tiny hand-written pathway", "A tiny pathway.</Comment><!--", "description"),
    ("no literature", "  <Biopax>", "  <Biopax/><!--", "literature"),
    ("few annotated nodes", 'Database="Entrez Gene" ID="6772"', 'Database="" ID=""', "annotated-nodes"),
    (
        "unconnected Interaction",
        '<Point X="100.0" Y="40.0" GraphRef="n1" ',
        '<Point X="100.0" Y="40.0" ',
        "interaction-ends",
    ),
    (
        "node off the board",
        'CenterX="340.0" CenterY="260.0"',
        'CenterX="390.0" CenterY="260.0"',
        "inside-board",
    ),
    ("overlapping nodes", 'CenterX="340.0" CenterY="260.0"', 'CenterX="65.0" CenterY="42.0"', "overlap"),
]


@pytest.mark.parametrize(("old", "new", "rule"), [m[1:] for m in MUTATIONS], ids=[m[0] for m in MUTATIONS])
def test_each_defect_fires_its_rule_and_only_it(old: str, new: str, rule: str) -> None:
    data = mutate(old, new)
    if rule == "literature":  # the citations would dangle once the references are gone
        data = data.replace(b"<BiopaxRef>cite1</BiopaxRef>", b"").replace(b"</Biopax>", b"-->")
    elif rule == "description":
        data = data.replace(b"STAT1.</Comment>", b"STAT1.-->")
    assert rules_fired(data) == {rule}


@pytest.mark.parametrize("after", ["<!-- a note -->", '<Attribute Key="k" Value="v" />'])
def test_datanode_parts_out_of_schema_order_are_still_checked(after: str) -> None:
    """A DataNode not ending in Graphics, Xref (an XML comment, a misplaced child) keeps its Xref and box."""
    jak1 = '<Xref Database="Entrez Gene" ID="3716" />'
    data = mutate(jak1, f'<Xref Database="Entrez Gene" ID="JAK1" />{after}')
    assert rules_fired(data, "submission") == {"xref-id-pattern"}
    atp = b'<Xref Database="ChEBI" ID="CHEBI:15422" />'
    overlapping = mutate('CenterX="340.0" CenterY="260.0"', 'CenterX="65.0" CenterY="42.0"')
    assert rules_fired(overlapping.replace(atp, atp + after.encode()), "submission") == {"overlap"}


def test_every_rule_has_a_mutation_or_a_safety_test() -> None:
    covered = {m[3] for m in MUTATIONS} | {"file-read", "xml-well-formed", "gpml-version", "data-nodes"}
    assert covered == set(RULES)


def test_a_pathway_without_datanodes_is_warned() -> None:
    """A draft of a figure whose genes were all missed has no DataNode: valid, but said so (the one rule)."""
    root = etree.fromstring(VALID.read_bytes())
    for el in root.findall("*"):
        if etree.QName(el).localname in ("DataNode", "Interaction", "State", "Group"):
            root.remove(el)
    empty = DECLARATION.encode() + etree.tostring(root)
    assert b"<DataNode" not in empty and b"<Label" in empty
    assert rules_fired(empty) == {"data-nodes"}


def test_rule_table_is_consistent() -> None:
    assert RULE_SETS == ("schema", "submission", "all")
    for rule_id, rule in RULES.items():
        assert rule.id == rule_id and re.fullmatch(r"[a-z]+(-[a-z]+)*", rule_id)
        assert rule.severity in ("error", "warning") and rule.scope in ("input", "schema", "submission")
        assert rule.description.endswith(".")


def test_rules_are_documented() -> None:
    docs = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule_id, rule in RULES.items():
        assert re.search(rf"`{rule_id}`.*\b{rule.severity}\b", docs), rule_id


def test_findings_name_the_element_and_line() -> None:
    (finding,) = validate(mutate('ID="3716"', 'ID="JAK1"'), name="jak.gpml")
    assert finding == Finding(
        file="jak.gpml",
        rule="xref-id-pattern",
        severity="warning",
        message="DataNode 'JAK1': 'JAK1' is not a valid Entrez Gene ID (e.g. '100010')",
        line=TEXT.splitlines().index('    <Xref Database="Entrez Gene" ID="3716" />') + 1,
        element="n2",
    )
    (duplicate,) = validate(mutate('GraphId="l1"', 'GraphId="n1"'))
    assert duplicate.severity == "error" and duplicate.element == "n1"
    assert "also used on line 6" in duplicate.message


def test_unknown_database_suggests_the_bridgedb_name() -> None:
    (finding,) = validate(mutate('Database="ChEBI"', 'Database="chebi"'))
    assert finding.rule == "xref-database" and "did you mean 'ChEBI'?" in finding.message


def test_rule_sets_select_rules() -> None:
    no_infobox = mutate('  <InfoBox CenterX="0.0" CenterY="0.0" />\n', "")
    no_organism = mutate(' Organism="Homo sapiens"', "")
    assert rules_fired(no_infobox, "submission") == set()
    assert rules_fired(no_organism, "schema") == set()
    assert rules_fired(no_organism, "submission") == {"organism"}
    duplicate = validate(mutate('GraphId="l1"', 'GraphId="n1"'), "schema")
    assert [(f.rule, f.severity) for f in duplicate] == [("schema", "error")]
    assert "'n1' is used by more than one element" in duplicate[0].message
    with pytest.raises(ValueError, match="rules must be one of"):
        validate(VALID, "strict")


def test_other_gpml_version_gets_one_clear_finding() -> None:
    gpml2021 = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<Pathway xmlns="http://pathvisio.org/GPML/2021" '
        b'title="A GPML 2021 pathway" organism="Homo sapiens"><Graphics boardWidth="10" boardHeight="10"/>'
        b"<DataNodes><DataNode elementId='a' textLabel='x' type='GeneProduct'/></DataNodes>"
        b"</Pathway>"
    )
    (finding,) = validate(gpml2021, name="new.gpml")
    assert (finding.rule, finding.severity, finding.line) == ("gpml-version", "error", 2)
    assert "GPML 2021" in finding.message and "2013a" in finding.message
    (other,) = validate(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert other.rule == "gpml-version" and "<svg>" in other.message


def test_unreadable_and_malformed_input_become_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (missing,) = validate(tmp_path / "absent.gpml")
    assert missing.rule == "file-read" and missing.file.endswith("absent.gpml")
    (broken,) = validate(TEXT.replace("</Pathway>", "").encode(), name="cut.gpml")
    assert (broken.rule, broken.severity) == ("xml-well-formed", "error") and broken.line
    (empty,) = validate(b"")
    assert empty.rule == "xml-well-formed"
    monkeypatch.setattr(reader_module, "MAX_GPML_BYTES", 100)
    (large,) = validate(VALID)
    assert large.rule == "file-read" and "MiB" in large.message


def test_utf16_is_an_encoding_error() -> None:
    data = TEXT.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert rules_fired(data) == {"encoding"}


def test_entity_expansion_is_refused_quickly() -> None:
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    bomb = f'<?xml version="1.0"?><!DOCTYPE Pathway [<!ENTITY l0 "ha">{laughs}]><Pathway>&l9;</Pathway>'
    start = time.perf_counter()
    (finding,) = validate(bomb.encode())
    assert time.perf_counter() - start < 2
    assert finding.rule == "xml-well-formed"  # libxml2 refuses the amplification, or we refuse the DOCTYPE
    assert "haha" not in finding.message


def test_external_entities_are_not_loaded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    xxe = TEXT.replace(
        DECLARATION, f'{DECLARATION}<!DOCTYPE Pathway [<!ENTITY x SYSTEM "{secret.as_uri()}">]>\n'
    )
    data = xxe.replace("A tiny hand-written", "&x; A tiny hand-written").encode()
    findings = validate(data)
    assert [f.rule for f in findings] == ["xml-well-formed"]
    assert all("TOP-SECRET" not in f.message for f in findings)


def test_validate_tree_on_a_tree_built_in_memory() -> None:
    tree = etree.ElementTree(etree.fromstring(VALID.read_bytes()))
    root = tree.getroot()
    assert validate_tree(tree) == []  # no raw bytes: the declaration rules are skipped
    del root.attrib["Organism"]
    attributes = {str(key): str(value) for key, value in root.attrib.items()}
    built = etree.ElementTree(etree.Element(root.tag, attributes))  # built in memory: no lines
    built.getroot().extend(list(root))
    (finding,) = validate_tree(built, name="draft")
    assert (finding.rule, finding.file, finding.line) == ("organism", "draft", None)


def varied_files(folder: Path) -> list[Path]:
    """One file per mutation, plus valid, malformed, UTF-16, other-version and missing files: 40 paths."""
    contents = [mutate(old, new) for _, old, new, _ in MUTATIONS]
    contents += [
        VALID.read_bytes(),
        TEXT.replace("</Pathway>", "").encode(),
        TEXT.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"),
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
    ]
    contents += [mutate(old, new) for _, old, new, _ in MUTATIONS[:7]]
    files = []
    for i, data in enumerate(contents):
        files.append(folder / f"f{i:02}.gpml")
        files[-1].write_bytes(data)
    return [*files, folder / "absent.gpml"]


RULE_SETS_FIRED = {"schema": {"schema"}, "submission": {"overlap"}, "all": {"schema", "overlap"}}


def test_validate_paths_in_processes_matches_sequential(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = varied_files(tmp_path)
    assert len(files) >= validate_module.MIN_FILES_FOR_PROCESSES
    pools = []
    context = validate_module.process_context

    def counted() -> multiprocessing.context.BaseContext:
        pools.append(1)
        return context()

    monkeypatch.setattr(validate_module, "process_context", counted)
    for rules in RULE_SETS:
        sequential = [(p, validate(p, rules)) for p in files]
        assert {f.rule for _, found in sequential for f in found} >= ({"file-read"} | RULE_SETS_FIRED[rules])
        assert list(validate_paths(files, rules, workers=2)) == sequential
        assert list(validate_paths(files, rules, workers=1)) == sequential
    assert len(pools) == len(RULE_SETS)  # workers=2 used a pool each time, workers=1 never


def test_validate_paths_runs_few_files_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = varied_files(tmp_path)[: validate_module.MIN_FILES_FOR_PROCESSES - 1]
    monkeypatch.setattr(validate_module, "process_context", lambda: pytest.fail("no pool for few files"))
    assert list(validate_paths(files, workers=4)) == [(p, validate(p)) for p in files]
    assert list(validate_paths([])) == []


def _slow_validate(source: Path, rules: str = "all") -> list[Finding]:
    time.sleep(0.01)
    return _VALIDATE(source, rules)


_VALIDATE = validate_module.validate


def test_validate_paths_stops_early_without_waiting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = varied_files(tmp_path) * 50  # 2,000 files at 10 ms each: 10 s if the pool finished them all
    monkeypatch.setattr(validate_module, "validate", _slow_validate)  # forked workers inherit it
    start = time.perf_counter()
    results = validate_paths(files, workers=2)
    path, findings = next(results)
    results.close()
    assert path == files[0] and findings == validate(files[0])
    assert time.perf_counter() - start < 5


def test_rules_module_is_pure_and_below_validate() -> None:
    """rules.py checks a tree and knows nothing of files, schemas or the validate module."""
    source = ast.parse(Path(rules_module.__file__).read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(source) if isinstance(node, ast.ImportFrom)}
    imported.update(
        alias.name for node in ast.walk(source) if isinstance(node, ast.Import) for alias in node.names
    )
    assert imported.isdisjoint({"check", "importlib", "os", "pathlib", "concurrent.futures"}), imported
    tree = etree.fromstring(mutate(' Organism="Homo sapiens"', ""))
    findings = Findings("draft")
    check_submission(tree, findings)
    assert [(f.file, f.rule) for f in findings.items] == [("draft", "organism")]
    assert validate_module.Finding is Finding and validate_module.RULES is findings_module.RULES


def test_has_errors() -> None:
    warning = Finding("f", "overlap", "warning", "m")
    assert not has_errors([warning]) and has_errors([warning, Finding("f", "schema", "error", "m")])


def test_bridgedb_table() -> None:
    table = datasources()
    assert len(table) == 144 and len({s.system_code for s in table.values()}) == 144
    for source in table.values():
        if source.example and source.name != "GenBank":  # BridgeDb's own GenBank example misses its pattern
            assert source.matches(source.example), source.name
    assert lookup("Entrez Gene") and lookup("Entrez Gene").matches("3716")  # type: ignore[union-attr]
    assert not lookup("Ensembl").matches("FBgn0030904")  # type: ignore[union-attr]
    assert lookup("RGD").matches("2018") and not lookup("RGD").matches("RGD:2018")  # type: ignore[union-attr]
    assert suggest("Chemspider ") == "Chemspider" and suggest("L") == "Entrez Gene" and suggest("xyz") is None
    assert problem("ChEBI", "CHEBI:15422") is None and problem("ChEBI", "15422") is None
    assert problem("Wikidata", "q42") == ("id", "'q42' is not a valid Wikidata ID (e.g. 'Q407962')")


def test_live_wikipathways_pass_the_schema(wikipathways_files: list[Path]) -> None:
    assert len(wikipathways_files) == 2095
    failing = {}
    for path, findings in validate_paths(wikipathways_files, "schema"):
        if findings:
            failing[path.name] = findings[0].message
    assert failing == {}


def test_live_wikipathways_have_only_the_known_errors(wikipathways_files: list[Path]) -> None:
    """The pipeline rules cry no wolf: on the 2,095 live pathways the only errors are the 3 dangling
    GroupRefs, and the start-tag warning fires on WP5638 alone."""
    errors: dict[str, list[str]] = {}
    organism_not_last = []
    for path, findings in validate_paths(wikipathways_files, "all"):
        for finding in findings:
            if finding.severity == "error":
                errors.setdefault(path.name, []).append(finding.rule)
            organism_not_last += [path.name] if finding.rule == "organism-last" else []
    assert errors == {"WP4290.gpml": ["groupref"], "WP5235.gpml": ["groupref", "groupref"]}
    assert organism_not_last == ["WP5638.gpml"]
