"""SVG previews: a tiny fixture checked in detail, live WikiPathways pathways checked as a person would."""

from __future__ import annotations

import copy
import re
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from converter.errors import SchemaError
from converter.gpml import GPML_NS
from converter.render import render_file, render_svg

SMALL = Path(__file__).parent / "data" / "render-small.gpml"
SVG = "{http://www.w3.org/2000/svg}"
G = f"{{{GPML_NS}}}"
NO_HEAD = {"", "Line", "mim-gap", "mim-branching-left", "mim-branching-right"}
#: Picked for what they exercise: anchors and elbows, curves, rotations and braces, anchor chains, groups.
FEATURED = ("WP3888", "WP3959", "WP1266", "WP2431", "WP4324", "WP5423")


def _svg(data: bytes) -> etree._Element:
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    root = etree.fromstring(data)
    assert root.tag == SVG + "svg"
    return root


def _as_lxml_writes_it(svg: etree._Element) -> bytes:
    """The document as lxml serialises it, each label line set as text (an empty one is <tspan></tspan>)."""
    svg = copy.deepcopy(svg)
    for span in svg.iter(SVG + "tspan"):
        span.text = span.text or ""
    return etree.tostring(svg, xml_declaration=True, encoding="UTF-8")


def _view_box(svg: etree._Element) -> tuple[float, float, float, float]:
    x, y, w, h = (float(v) for v in svg.get("viewBox", "").split())
    return x, y, w, h


def _text(element: etree._Element) -> str:
    """What a text element shows: its lines joined by newlines."""
    spans = element.findall(SVG + "tspan")
    return "\n".join(span.text or "" for span in spans) if spans else element.text or ""


def _node_texts(svg: etree._Element, kind: str) -> list[str]:
    return sorted(
        _text(t) for g in svg.iter(SVG + "g") if g.get("class") == kind for t in g.iter(SVG + "text")
    )


def check_rendering(gpml: Path, data: bytes) -> etree._Element:
    """Everything a rendering of any pathway must satisfy, checked against the GPML itself."""
    svg, pathway = _svg(data), etree.parse(str(gpml)).getroot()
    assert _as_lxml_writes_it(svg) == data, f"{gpml.name}: the markup is what lxml would write, byte for byte"
    assert svg.findtext(SVG + "title") == (pathway.get("Name", "").strip() or "Untitled pathway")
    for kind in ("DataNode", "Label"):
        labels = [
            el.get("TextLabel", "")
            for el in pathway.iterchildren(G + kind)
            if el.find(G + "Graphics") is not None
        ]
        expected = sorted("\n".join(label.splitlines()) for label in labels if label.strip())
        assert _node_texts(svg, kind.lower()) == expected, f"{gpml.name}: one text per {kind} label"
    vx, vy, vw, vh = _view_box(svg)
    for el in pathway.iterchildren(G + "DataNode", G + "Label", G + "Shape"):
        gfx = el.find(G + "Graphics")
        cx, cy, w, h = (float(gfx.get(a, "0")) for a in ("CenterX", "CenterY", "Width", "Height"))
        assert vx <= cx - w / 2 and cx + w / 2 <= vx + vw, (
            f"{gpml.name}: {el.get('GraphId')} inside the viewBox"
        )
        assert vy <= cy - h / 2 and cy + h / 2 <= vy + vh, (
            f"{gpml.name}: {el.get('GraphId')} inside the viewBox"
        )
    ends = [
        p.get("ArrowHead", "")
        for line in pathway.iterchildren(G + "Interaction", G + "GraphicalLine")
        for p in (line.findall(f"{G}Graphics/{G}Point")[0], line.findall(f"{G}Graphics/{G}Point")[-1])
    ]
    markers = {m.get("id") for m in svg.iter(SVG + "marker")}
    used = {ref for el in svg.iter() for ref in re.findall(r"url\(#([^)]+)\)", " ".join(el.attrib.values()))}
    assert bool(markers) == any(head not in NO_HEAD for head in ends), f"{gpml.name}: markers where heads are"
    assert used <= markers, f"{gpml.name}: every marker referenced is defined"
    assert not list(svg.iter(SVG + "script", SVG + "image", SVG + "style", SVG + "foreignObject"))
    links = [a.get("href", "") for a in svg.iter(SVG + "a")]
    assert all(href.startswith(("http://", "https://", "ftp://", "mailto:")) for href in links)
    for el in svg.iter():
        assert not [name for name in el.attrib if str(name).lower().startswith("on")], "no event handlers"
    return svg


def test_small_fixture_renders_every_kind_of_element() -> None:
    svg = check_rendering(SMALL, render_svg(SMALL))
    classes = Counter(g.get("class") for g in svg.iter(SVG + "g", SVG + "rect") if g.get("class"))
    assert classes == Counter(datanode=5, label=3, state=1, shape=1, interaction=3, graphicalline=1, group=1)
    assert svg.find(SVG + "text").text == "Render <test> pathway"
    assert [t.text for t in svg.iter(SVG + "text") if (t.text or "").startswith("<script>")] == [
        "<script>alert(1)</script>"
    ]


def test_small_fixture_styles_by_type_and_file() -> None:
    svg = _svg(render_svg(SMALL))
    by_label = {_text(t): t.getparent() for t in svg.iter(SVG + "text")}
    gene, metabolite, pathway = by_label["TP53"], by_label["ATP"], by_label["Apoptosis"]
    assert (
        gene.find(SVG + "rect").get("stroke") == "#000000"
        and gene.find(SVG + "rect").get("fill") == "#ffffff"
    )
    assert metabolite.find(SVG + "rect").get("stroke") == "#0000ff"
    assert metabolite.find(SVG + "text").get("fill") == "#0000ff"
    assert (
        pathway.find(SVG + "text").get("fill") == "#14961e" and pathway.find(SVG + "rect") is None
    )  # None shape
    mdm4 = by_label["MDM4\n(HDMX)"]
    assert mdm4.find(SVG + "ellipse").get("fill") == "#ffffcc"
    assert (
        mdm4.find(SVG + "text").get("font-weight") == "bold"
        and mdm4.find(SVG + "text").get("font-size") == "10"
    )
    assert by_label["<script>alert(1)</script>"].find(SVG + "text").get("font-style") == "italic"
    assert by_label["MDM2"].find(SVG + "rect").get("rx") is not None
    shape = next(g for g in svg.iter(SVG + "g") if g.get("class") == "shape")
    assert shape.get("transform") == "rotate(90 220 190)"  # Rotation is in radians, about the shape's centre
    complex_group = next(r for r in svg.iter(SVG + "rect") if r.get("class") == "group")
    # MDM2 and MDM4 span x 20..100, y 150..205; the group box is 8 outside them.
    assert [complex_group.get(a) for a in ("x", "y", "width", "height")] == ["12", "142", "96", "71"]


def test_lines_end_where_the_file_points() -> None:
    svg = _svg(render_svg(SMALL))
    paths = [g.find(SVG + "path") for g in svg.iter(SVG + "g") if g.get("class") == "interaction"]
    conversion, inhibition, catalysis = (p.get("d") for p in paths)
    # int1 has no X/Y on its first point: it starts on TP53's right edge (RelX=1) and ends on ATP's left edge.
    assert conversion == "M100 40L260 40"
    # int2 is an elbow from MDM2's top to int1's anchor (halfway along int1), entering it from below.
    assert inhibition == "M60 150L60 95L180 95L180 40"
    assert catalysis == "M300 50L300 150"
    assert paths[0].get("marker-end", "").endswith("-arrow-000000)") and paths[0].get("marker-start") is None
    assert paths[1].get("marker-end", "").endswith("-tbar-ff0000)")  # a red line gets a red T-bar
    assert paths[2].get("marker-start", "").endswith("-catalysis-000000)")
    assert paths[2].get("marker-end", "").endswith("-arrow-000000)")  # an unknown head is drawn as an arrow
    assert paths[1].get("stroke-dasharray") and paths[1].get("stroke") == "#ff0000"
    anchor = svg.find(f".//{SVG}circle")
    assert (anchor.get("cx"), anchor.get("cy")) == ("180", "40")


def test_only_web_links_become_links() -> None:
    svg = _svg(render_svg(SMALL))
    assert [a.get("href") for a in svg.iter(SVG + "a")] == ["https://www.wikipathways.org/"]
    assert "Not a link" in {_text(t) for t in svg.iter(SVG + "text")}


def test_same_input_same_bytes_whatever_the_source_type() -> None:
    data = render_svg(SMALL)
    assert render_svg(SMALL.read_bytes()) == data
    assert render_svg(str(SMALL)) == data
    assert render_svg(etree.parse(str(SMALL))) == data


def test_refuses_other_gpml_versions_and_broken_xml(tmp_path: Path) -> None:
    newer = tmp_path / "new.gpml"
    newer.write_bytes(SMALL.read_bytes().replace(b"GPML/2013a", b"GPML/2021"))
    with pytest.raises(SchemaError, match=r"new\.gpml: this is GPML 2021 .*, not GPML 2013a"):
        render_svg(newer)
    broken = tmp_path / "broken.gpml"
    broken.write_bytes(SMALL.read_bytes()[:-40])
    with pytest.raises(SchemaError, match=r"broken\.gpml: line \d+: not well-formed"):
        render_svg(broken)
    with pytest.raises(SchemaError, match="not a GPML pathway: the root is <svg>"):
        render_svg(b"<svg xmlns='http://www.w3.org/2000/svg'/>")


def test_render_file_replaces_atomically(tmp_path: Path) -> None:
    target = tmp_path / "out.svg"
    render_file(SMALL, target)
    assert target.read_bytes() == render_svg(SMALL)
    bad = tmp_path / "bad.gpml"
    bad.write_text("<Pathway")
    with pytest.raises(SchemaError):
        render_file(bad, target)
    assert target.read_bytes() == render_svg(SMALL), "a failed render leaves the old preview alone"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.gpml", "out.svg"], "no temporary files left"


def _sample(files: list[Path]) -> list[Path]:
    """Ten pathways spread evenly over the sorted corpus, plus the featured ones."""
    spread = files[:: max(1, len(files) // 10)][:10]
    featured = [f for f in files if f.stem in FEATURED]
    assert len(featured) == len(FEATURED), "the featured pathways are in the pinned corpus"
    return sorted(set(spread + featured))


def test_live_pathways_render_faithfully(wikipathways_files: list[Path]) -> None:
    for gpml in _sample(wikipathways_files):
        data = render_svg(gpml)
        check_rendering(gpml, data)
        assert render_svg(gpml) == data, f"{gpml.name}: deterministic"
        assert len(data) < 1_000_000, f"{gpml.name}: reasonably small"


def test_featured_pathways_draw_their_features(wikipathways_files: list[Path]) -> None:
    by_name = {f.stem: f for f in wikipathways_files}
    curved = _svg(render_svg(by_name["WP3959"]))
    assert any(
        "C" in p.get("d", "")
        for p in curved.iter(SVG + "path")
        if p.getparent().get("class") == "interaction"
    )
    rotated = _svg(render_svg(by_name["WP1266"]))
    assert any(g.get("transform", "").startswith("rotate(") for g in rotated.iter(SVG + "g"))
    gpml = etree.parse(str(by_name["WP4324"])).getroot()
    direct = {el.get("GroupRef") for el in gpml.iterchildren(G + "DataNode", G + "Label", G + "Shape")} - {
        None
    }
    drawn = sum(r.get("class") == "group" for r in _svg(render_svg(by_name["WP4324"])).iter(SVG + "rect"))
    assert len(direct) > 50 and len(direct) <= drawn <= len(gpml.findall(G + "Group"))


def test_whole_corpus_renders(wikipathways_files: list[Path], record_property: pytest.RecordProperty) -> None:
    """All 2,095 live pathways render to well-formed SVG (about 50 s on one core)."""
    started, failures = time.perf_counter(), []
    for gpml in wikipathways_files:
        try:
            etree.fromstring(render_svg(gpml))
        except Exception as exc:  # collect them all, so one run shows every failing pathway
            failures.append(f"{gpml.name}: {exc!r}")
    record_property("render_seconds", round(time.perf_counter() - started, 1))
    assert len(wikipathways_files) == 2095
    assert failures == []


ODD = b"""<Pathway xmlns="http://pathvisio.org/GPML/2013a" Name="">
  <DataNode TextLabel="A" GraphId="a" GroupRef="loop">
    <Graphics CenterX="NaN" CenterY="10" Width="40" Height="20" ShapeType="Cloud" Color="Blue"
      FillColor="12345678"/>
  </DataNode>
  <Interaction><Graphics><Point X="0" Y="0" GraphRef="anc2"/><Point X="50" Y="0"/>
    <Anchor Position="0.5" GraphId="anc1"/></Graphics></Interaction>
  <Interaction><Graphics ConnectorType="Elbow"><Point X="0" Y="40" GraphRef="anc1"/><Point X="50" Y="40"/>
    <Anchor Position="0.5" GraphId="anc2"/></Graphics></Interaction>
  <Interaction><Graphics><Point GraphRef="nowhere"/><Point X="1" Y="1"/></Graphics></Interaction>
  <Group GroupId="loop" GroupRef="loop" Style="Complex"/>
</Pathway>"""


def test_odd_files_still_render() -> None:
    """Missing board, NaN, unknown shapes and colours, anchor and group cycles, dangling references."""
    svg = _svg(render_svg(ODD))
    assert svg.findtext(SVG + "title") == "Untitled pathway"
    node = next(g for g in svg.iter(SVG + "g") if g.get("class") == "datanode")
    outline = node.find(SVG + "rect")  # an unknown ShapeType is drawn as a rectangle
    assert (
        outline.get("x") == "-20" and outline.get("stroke") == "#0000ff" and outline.get("fill") == "#ffffff"
    )
    lines = [g for g in svg.iter(SVG + "g") if g.get("class") == "interaction"]
    assert len(lines) == 2, "the line whose end is nowhere is left out, the anchor cycle is broken"
    assert sum(r.get("class") == "group" for r in svg.iter(SVG + "rect")) == 1


#: No lines, as in drafts; the State and the Group come before the DataNode they refer to.
NO_LINES = b"""<Pathway xmlns="http://pathvisio.org/GPML/2013a" Name="No lines">
  <Group GroupId="g1" GraphId="group1" Style="Complex"/>
  <State TextLabel="P" GraphId="s1" GraphRef="a"><Graphics RelX="1" RelY="-1" Width="10" Height="10"/></State>
  <DataNode TextLabel="A" GraphId="a" GroupRef="g1">
    <Graphics CenterX="100" CenterY="50" Width="80" Height="20"/>
  </DataNode>
</Pathway>"""


def test_states_and_groups_placed_without_lines() -> None:
    """Without lines, States still sit on their DataNode and groups around their members."""
    svg = _svg(render_svg(NO_LINES))
    state = next(g for g in svg.iter(SVG + "g") if g.get("class") == "state").find(SVG + "rect")
    assert [state.get(a) for a in ("x", "y", "width", "height")] == ["135", "35", "10", "10"]
    group = next(r for r in svg.iter(SVG + "rect") if r.get("class") == "group")
    assert [group.get(a) for a in ("x", "y", "width", "height")] == ["52", "32", "96", "36"]


def test_sample_drafts_render_faithfully(tmp_path: Path) -> None:
    """The drafts of samples/ render: well-formed, one text per node label, every node in the viewBox."""
    from converter.pipeline import convert_record

    from .conftest import SAMPLES

    samples = sorted(SAMPLES.glob("PMC*.md"))
    assert len(samples) == 3
    for record in samples:
        draft = convert_record(record, tmp_path).output
        check_rendering(draft, render_svg(draft))


#: Every kind of character that needs escaping, in each place where text from the file lands in the SVG.
AWKWARD = """<Pathway xmlns="http://pathvisio.org/GPML/2013a"
  Name=" A &amp; B &lt;i&gt;&quot;x&quot;&#9;]]&gt;&#10;&#13;β-catenin 𝛽 "
  Organism="Mus &quot;musculus&quot; &amp; co">
  <Graphics BoardWidth="300" BoardHeight="200"/>
  <DataNode TextLabel="a&amp;b &lt;c&gt; &quot;d&quot;&#9;e&#13;&#10;&#10;f" GraphId="n1" Type="GeneProduct">
    <Graphics CenterX="60" CenterY="40" Width="80" Height="40" FontName="&quot;&gt;&lt;Ärial"
      Valign="Middle"/>
  </DataNode>
  <Label TextLabel="link" GraphId="l1" Href=" https://example.org/?a=1&amp;b=&quot;2&quot;&lt;&#9;x ">
    <Graphics CenterX="200" CenterY="40" Width="80" Height="20"/>
  </Label>
  <Label TextLabel=" " GraphId="l2"><Graphics CenterX="200" CenterY="90" Width="80" Height="20"/></Label>
</Pathway>""".encode()


def test_text_from_the_file_is_escaped_wherever_it_lands(tmp_path: Path) -> None:
    """Quotes, ampersands, angle brackets, tabs, CR/LF and non-ASCII survive as text and attribute values."""
    gpml = tmp_path / "awkward.gpml"
    gpml.write_bytes(AWKWARD)
    data = render_svg(gpml)
    svg = check_rendering(gpml, data)
    pathway = etree.fromstring(AWKWARD)
    assert svg.findtext(SVG + "title") == pathway.get("Name", "").strip()
    assert svg.findtext(SVG + "text/" + SVG + "tspan") == 'Mus "musculus" & co'
    assert _node_texts(svg, "datanode") == ['a&b <c> "d"\te\n\nf']
    assert [a.get("href") for a in svg.iter(SVG + "a")] == ['https://example.org/?a=1&b="2"<\tx']
    label = svg.find(f".//{SVG}g[@class='datanode']/{SVG}text")
    assert label is not None and label.get("font-family") == "Ärial, Arial, Helvetica, sans-serif"
    assert b'<g class="label"/>' in data, "a label with nothing to draw is an empty group, as lxml writes it"


def test_the_model_draws_what_its_gpml_draws(pfocr_dir: Path) -> None:
    """A draft's preview from the model (batch) is byte for byte its preview from the written file."""
    from converter.draft import DraftOptions, build_pathway
    from converter.gpml import to_gpml
    from converter.mapping import map_record
    from converter.records import read_record
    from converter.render import render_pathway

    from .conftest import SAMPLES

    records = sorted(SAMPLES.glob("PMC*.md")) + sorted(pfocr_dir.glob("_figures/*.md"))
    records += sorted(pfocr_dir.glob("legacy/*.md"))
    for path in records:
        record = read_record(path)
        pathway = build_pathway(record, map_record(record), DraftOptions(last_modified="20240101000000"))
        assert render_pathway(pathway) == render_svg(to_gpml(pathway)), path.name
    odd = replace(pathway, name="Title\x07 with a control\ncharacter & <markup>", organism="Mus musculus")
    assert render_pathway(odd) == render_svg(to_gpml(odd))


def test_a_long_title_is_wrapped_not_drawn_wider_than_the_pathway() -> None:
    """A 22,000-character title once made a preview 242,113 px wide: it is wrapped to the drawing now."""
    from converter.draft import DraftOptions, build_pathway
    from converter.mapping import map_record
    from converter.records import read_record
    from converter.render import render_pathway

    from .conftest import SAMPLES

    record = read_record(SAMPLES / "PMC10796104__AD-15-1-186-g1.md")
    pathway = build_pathway(record, map_record(record), DraftOptions(last_modified="20240101000000"))
    short = etree.fromstring(render_pathway(pathway))
    long = etree.fromstring(render_pathway(replace(pathway, name="Signalling " * 2000)))
    assert float(long.get("width", "0")) == pathway.board_width + 20  # the drawing and its margins
    title = long.find(f"{SVG}text[@class='title']")
    assert title is not None
    lines = [span.text or "" for span in title if span.get("fill") is None]
    assert len(lines) == 3 and lines[-1].endswith("…") and all(len(line) < 90 for line in lines)
    assert title[-1].text == "Homo sapiens"  # the organism on a line of its own
    one = short.find(f"{SVG}text[@class='title']")
    assert one is not None and one.text == pathway.name and len(one) == 1  # a title that fits: one line
