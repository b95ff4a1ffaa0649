"""SVG preview of any GPML 2013a pathway, drawn in pure Python from a parsed file or from the converter's
model (the same scene either way, :mod:`.scene`): the SVG writer.

Example: ``render_file(Path("WP1.gpml"), Path("WP1.svg"))`` draws the statin pathway at the file's own
coordinates: gene products as black boxes, metabolites in blue, interactions with their arrowheads,
groups as light dashed boxes, and the pathway name as the title. The SVG is self-contained (no fonts,
scripts or URLs fetched) and the same input always gives the same bytes.

The document is written directly as markup text, several times faster than building it element by
element with lxml, and byte for byte what lxml would serialise (tests/test_render.py checks that). Every
text and attribute value taken from the file goes through the GPML escaping (:mod:`converter.gpml.markup`),
so a label such as ``<script>`` stays text.
"""

from __future__ import annotations

import functools
import hashlib
import math
import operator
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from lxml import etree

from ..errors import SchemaError
from ..files import write_atomic
from ..gpml import parse_gpml
from ..gpml.markup import G, escape_attr, escape_text, not_gpml_2013a
from ..model import Pathway
from .geometry import Memo, Placement, Rect, Route, attributes, fmt, fmt_point, num
from .scene import Item, Scene
from .shapes import OUTLINES, RECTANGLE, Outline, rect

__all__ = ["render_file", "render_pathway", "render_svg"]

SVG_NS = "http://www.w3.org/2000/svg"
_PATHWAY = G + "Pathway"
_FONT = "Arial, Helvetica, sans-serif"
_MARGIN, _TITLE_BAND = 10.0, 36.0
_MIN_TITLE_WIDTH = 800.0  # a title wider than the drawing by more than this is wrapped, not drawn on one line
_TITLE_LINE, _TITLE_LINES = 22.0, 3
_SAFE_LINK = ("http://", "https://", "ftp://", "mailto:")

Attrs = dict[str, str | None]
_DECLARATION = b"<?xml version='1.0' encoding='UTF-8'?>\n"  # as lxml writes it


def _attrs(attrs: Attrs) -> str:
    """Attributes as markup, each value escaped; None values left out."""
    return "".join(f' {name}="{escape_attr(value)}"' for name, value in attrs.items() if value is not None)


_NAMED_COLOURS = {
    "aqua": "#00ffff", "black": "#000000", "blue": "#0000ff", "fuchsia": "#ff00ff", "gray": "#808080",
    "green": "#008000", "lime": "#00ff00", "maroon": "#800000", "navy": "#000080", "olive": "#808000",
    "purple": "#800080", "red": "#ff0000", "silver": "#c0c0c0", "teal": "#008080", "white": "#ffffff",
    "yellow": "#ffff00", "transparent": "none",
}  # fmt: skip


@functools.lru_cache(maxsize=256)
def _colour(value: str | None, default: str) -> str:
    """A GPML colour (hex without '#', or a name such as 'Transparent') as an SVG paint."""
    text = (value or "").strip().lower()
    if text in _NAMED_COLOURS:
        return _NAMED_COLOURS[text]
    return "#" + text if len(text) == 6 and all(c in "0123456789abcdef" for c in text) else default


# Arrowheads point along +x with the tip at (0, 0); "C" stands for the line's colour.
_HEAD, _BAR, _CUP = "M-12-5 0 0-12 5z", "M-16-6v12", "M0-7A7 7 0 0 0 0 7"
_MARKERS: dict[str, tuple[Attrs, ...]] = {
    "arrow": ({"d": _HEAD, "fill": "C"},),
    "open": ({"d": _HEAD, "fill": "#fff", "stroke": "C"},),
    "necessary": ({"d": _HEAD, "fill": "#fff", "stroke": "C"}, {"d": _BAR, "stroke": "C"}),
    "catalysis": ({"d": "M0 0a5 5 0 0 0-10 0a5 5 0 0 0 10 0", "fill": "#fff", "stroke": "C"},),
    "tbar": ({"d": "M-1-7v14", "stroke": "C", "stroke-width": "2"},),
    "binding": ({"d": "M-12-5 0 0-12 5-8 0z", "fill": "C"},),
    "cleavage": ({"d": "M-1-7v14M-1 7-9-7", "fill": "none", "stroke": "C"},),
    "transcription": ({"d": _HEAD, "fill": "C"}, {"d": _BAR, "stroke": "C"}),
    "receptor-round": ({"d": _CUP + "z", "fill": "#fff"}, {"d": _CUP, "fill": "none", "stroke": "C"}),
    "receptor-square": ({"d": "M0-7H-7V7H0", "fill": "none", "stroke": "C"},),
    "receptor": ({"d": "M0-7-7 0 0 7", "fill": "none", "stroke": "C"},),
    "ligand-round": ({"d": "M0 0a5 5 0 0 0-10 0a5 5 0 0 0 10 0", "fill": "C"},),
    "ligand-square": ({"d": "M-10-5h10v10h-10z", "fill": "C"},),
}
_HEADS = {
    "Arrow": "arrow", "mim-conversion": "arrow", "mim-modification": "arrow", "mim-stimulation": "open",
    "mim-necessary-stimulation": "necessary", "mim-catalysis": "catalysis", "mim-inhibition": "tbar",
    "TBar": "tbar", "mim-binding": "binding", "mim-cleavage": "cleavage",
    "mim-transcription-translation": "transcription", "ReceptorRound": "receptor-round",
    "ReceptorSquare": "receptor-square", "Receptor": "receptor", "LigandRound": "ligand-round",
    "LigandSquare": "ligand-square",
}  # fmt: skip
#: Line ends drawn without a head; any other name not in _HEADS is drawn as a plain arrow.
_NO_HEAD = frozenset({"", "Line", "mim-gap", "mim-branching-left", "mim-branching-right"})
_DEFAULTS = {  # fill, outline and vertical alignment where the file does not say
    "DataNode": ("#ffffff", "Rectangle", "Middle"), "State": ("#ffffff", "Rectangle", "Middle"),
    "Label": ("none", "None", "Top"), "Shape": ("none", "Rectangle", "Top"),
}  # fmt: skip
_TYPE_COLOUR = {"Metabolite": "#0000ff", "Pathway": "#14961e"}
_GROUP_STYLE = {  # translucent fills, so lines passing under a group stay visible
    "Complex": ' fill="#808080" fill-opacity="0.1" stroke="#9a9a9a" stroke-dasharray="4 2"',
    "Pathway": ' fill="#00a000" fill-opacity="0.07" stroke="#8fbc8f" stroke-dasharray="4 2"',
}
_PLAIN_GROUP = ' fill="none" stroke="#b4b4b4" stroke-dasharray="4 2"'
_DEFAULT_FONTS = frozenset({"", "Arial", "SansSerif", "Dialog", "Helvetica"})


@functools.lru_cache(maxsize=256)
def _stroke(thickness: str | None, line_style: str | None, colour: str) -> str:
    """Stroke paint, width and dashes of a shape or line (from its LineThickness and LineStyle)."""
    width = num(thickness, 1.0)
    return _attrs({
        "stroke": colour if width > 0 else "none",
        "stroke-width": fmt(width) if width > 0 and width != 1 else None,
        "stroke-dasharray": "5 3" if line_style == "Broken" else None,
    })  # fmt: skip


class _Look(NamedTuple):
    """How a node is drawn apart from where it is and what it says, as pieces of markup."""

    start: str  # '<g class="datanode"', open for a transform
    outline: Outline | None
    shape_start: str  # '<rect fill="#ffffff" ', before the outline's geometry
    shape_end: str  # the stroke attributes and '/>'
    text_attrs: str  # the label's attributes after x and y
    size: float
    align: str
    valign: str


#: The Graphics attributes a node's look depends on (the rest place it).
_STYLE_ATTRS = (
    "Color", "FillColor", "ShapeType", "LineThickness", "LineStyle", "FontSize", "FontName", "FontWeight",
    "FontStyle", "FontDecoration", "FontStrikethru", "Align", "Valign",
)  # fmt: skip


@functools.lru_cache(maxsize=1024)
def _look(kind: str, node_type: str, *style: str | None) -> _Look:
    """The look of a DataNode, Label, Shape or State from its Type and its _STYLE_ATTRS values.

    Most nodes of a pathway share a few looks, so this runs once per look, not once per node.
    """
    gfx = {name: value for name, value in zip(_STYLE_ATTRS, style, strict=True) if value is not None}
    fill, shape, valign = _DEFAULTS[kind]
    colour = _colour(gfx.get("Color"), _TYPE_COLOUR.get(node_type, "#000000"))
    outline = None if (name := gfx.get("ShapeType", shape)) == "None" else OUTLINES.get(name, RECTANGLE)
    paint = "none" if outline and outline.open else _colour(gfx.get("FillColor"), fill)
    size = num(gfx.get("FontSize"), 12.0) or 12.0
    align = gfx.get("Align", "Center")
    font = "".join(c for c in gfx.get("FontName", "") if c.isalnum() or c in " -")
    lines_through = {"underline": gfx.get("FontDecoration") == "Underline",
                     "line-through": gfx.get("FontStrikethru") == "Strikethru"}  # fmt: skip
    text_attrs = _attrs({
        "fill": colour if colour != "#000000" else None,
        "font-size": fmt(size) if size != 12 else None,
        "font-family": None if font in _DEFAULT_FONTS else f"{font}, {_FONT}",
        "font-weight": "bold" if gfx.get("FontWeight") == "Bold" else None,
        "font-style": "italic" if gfx.get("FontStyle") == "Italic" else None,
        "text-decoration": " ".join(k for k, on in lines_through.items() if on) or None,
        "text-anchor": {"Left": "start", "Right": "end"}.get(align),
    })  # fmt: skip
    return _Look(
        start=f'<g class="{kind.lower()}"',
        outline=outline,
        shape_start=f'<{outline.tag} fill="{paint}" ' if outline else "",
        shape_end=_stroke(gfx.get("LineThickness"), gfx.get("LineStyle"), colour) + "/>",
        text_attrs=text_attrs,
        size=size,
        align=align,
        valign=gfx.get("Valign", valign),
    )


def _text_origin(look: _Look, box: Rect, count: int) -> tuple[float, float]:
    """Where the first of `count` label lines starts in the box, by Align and Valign."""
    size, step = look.size, look.size * 1.2
    align = look.align
    x = box.x + 2 if align == "Left" else box.x + box.w - 2 if align == "Right" else box.x + box.w / 2
    if look.valign == "Middle":
        return x, box.y + box.h / 2 - (count - 1) * step / 2 + size * 0.35
    return x, box.y + box.h - (count - 1) * step - size * 0.25 if look.valign == "Bottom" else box.y + size


def _text(lines: list[str], look: _Look, box: Rect) -> str:
    """A label of several lines as one SVG text element with a tspan per line."""
    x, y = _text_origin(look, box, len(lines))
    step = look.size * 1.2
    spans = "".join(
        f'<tspan x="{fmt(x)}" y="{fmt(y + i * step)}">{escape_text(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text x="{fmt(x)}" y="{fmt(y)}"{look.text_attrs}>{spans}</text>'


class _Frame(NamedTuple):
    """A node's markup apart from its label: the same for every node with the same look and placement."""

    start: str  # '<g class="datanode"' and any rotation, open for '>' or '/>'
    shape: str  # the outline, or ''
    one_line: str  # all that goes before a one-line label: start, '>', shape and the opening text tag
    look: _Look
    box: Rect


def _frame(kind: str, node_type: str, gfx: Mapping[str, str], box: Rect) -> _Frame:
    """The frame of a DataNode, Label, Shape or State drawn in the box."""
    look = _look(kind, node_type, *map(gfx.get, _STYLE_ATTRS))
    rotation = num(gfx.get("Rotation"))
    turn = f' transform="rotate({fmt(math.degrees(rotation))} {fmt_point(box.centre)})"' if rotation else ""
    shape = f"{look.shape_start}{look.outline.geometry(box)}{look.shape_end}" if look.outline else ""
    x, y = _text_origin(look, box, 1)
    start = look.start + turn
    return _Frame(
        start, shape, f'{start}>{shape}<text x="{fmt(x)}" y="{fmt(y)}"{look.text_attrs}>', look, box
    )


_FRAMES: Memo[tuple[str, str, str], _Frame] = Memo(1024)


def _placed_frame(kind: str, node_type: str, placed: Placement) -> _Frame:
    """The frame of a node placed by its own Graphics, cached when the placement recurs (as in drafts)."""
    if not placed.recurs:
        return _frame(kind, node_type, placed.attrs, placed.box)
    key = kind, node_type, placed.key
    if (frame := _FRAMES.get(key)) is None:
        frame = _FRAMES.keep(key, _frame(kind, node_type, placed.attrs, placed.box))
    return frame


def _node(el: Item, kind: str, frame: _Frame) -> str:
    """A DataNode, Label, Shape or State: outline and label in a group of class `kind` (lower case)."""
    label = el.get("TextLabel", "") or ""
    lines = label.splitlines() if label.strip() else []
    if len(lines) == 1:  # most labels: one string to add, with no call to _text
        g = f"{frame.one_line}{escape_text(lines[0])}</text></g>"
    elif lines or frame.shape:
        g = f"{frame.start}>{frame.shape}{_text(lines, frame.look, frame.box) if lines else ''}</g>"
    else:
        g = f"{frame.start}/>"
    if kind == "Label" and (href := (el.get("Href", "") or "").strip()).lower().startswith(_SAFE_LINK):
        return f'<a href="{escape_attr(href)}">{g}</a>'  # a web link only: never javascript: or data:
    return g


_LINE_CLASS = {G + "Interaction": "interaction", G + "GraphicalLine": "graphicalline"}


def _line(
    el: etree._Element, gfx: etree._Element, route: Route, prefix: str, heads: set[tuple[str, str]]
) -> str:
    """An Interaction or GraphicalLine with its arrowheads (as markers) and its visible anchors."""
    colour = _colour(gfx.get("Color"), "#000000")
    parts = [
        f'<g class="{_LINE_CLASS[el.tag]}"><path d="{route.path()}" fill="none"',
        _stroke(gfx.get("LineThickness"), gfx.get("LineStyle"), colour),
    ]
    for attr, point in zip(("marker-start", "marker-end"), route.ends, strict=True):
        if (head := point.get("ArrowHead", "")) not in _NO_HEAD and colour != "none":
            heads.add((kind := _HEADS.get(head, "arrow"), colour))
            parts.append(f' {attr}="url(#{prefix}{kind}-{colour[1:]})"')
    parts.append("/>")
    for anchor in route.anchors:
        if anchor.get("Shape") == "Circle":
            at = route.along(num(anchor.get("Position"), 0.5))[0]
            parts.append(f'<circle cx="{fmt(at.real)}" cy="{fmt(at.imag)}" r="3" fill="{colour}"/>')
    parts.append("</g>")
    return "".join(parts)


def _items(scene: Scene, prefix: str, heads: set[tuple[str, str]]) -> list[tuple[float, str, Rect]]:
    """Everything drawn, as markup with z-order and extent; groups go below their members, States on top."""
    items = []
    for group in scene.group_elements:
        if found := scene.groups.get(group.get("GroupId") or ""):
            style = _GROUP_STYLE.get(group.get("Style", "") or "", _PLAIN_GROUP)
            items.append((found[1], f'<rect class="group" {rect(found[0], 4)}{style}/>', found[0]))
    for el, kind, placed in scene.nodes:
        frame = _placed_frame(kind, el.get("Type", "") or "" if kind == "DataNode" else "", placed)
        items.append((placed.z, _node(el, kind, frame), placed.box))
    for state in scene.states:  # after the other nodes: at z infinity they are drawn last anyway
        if (gfx := scene.graphics.get(state)) is not None and (box := scene.state_box(state)) is not None:
            items.append((math.inf, _node(state, "State", _frame("State", "", attributes(gfx), box)), box))
    for line in scene.lines:
        gfx = scene.graphics.get(line)
        if gfx is not None and (route := scene.route(line)) is not None:
            items.append((num(gfx.get("ZOrder")), _line(line, gfx, route, prefix, heads), route.extent()))
    return items


def _marker(prefix: str, kind: str, colour: str) -> str:
    shapes = "".join(
        f"<path{_attrs({k: colour if v == 'C' else v for k, v in attrs.items()})}/>"
        for attrs in _MARKERS[kind]
    )
    return (
        f'<marker id="{prefix}{kind}-{colour[1:]}" viewBox="-17 -8 19 16" markerWidth="19" markerHeight="16"'
        f' orient="auto-start-reverse" markerUnits="userSpaceOnUse">{shapes}</marker>'
    )


_BY_Z, _MARKUP, _EXTENT = operator.itemgetter(0), operator.itemgetter(1), operator.itemgetter(2)


def _marker_prefix(root: etree._Element) -> str:
    """The start of the marker ids, unique per pathway; only lines have markers, so only they need it."""
    return "p" + hashlib.sha256(etree.tostring(root)).hexdigest()[:8] + "-"


def _svg(scene: Scene) -> str:
    """The SVG markup: title, arrowhead markers, white background, then everything in z-order."""
    prefix = _marker_prefix(scene.root) if scene.lines and scene.root is not None else ""
    heads: set[tuple[str, str]] = set()
    items = _items(scene, prefix, heads)
    items.sort(key=_BY_Z)  # stable: ties keep drawing order
    board = scene.board
    extent = (
        Rect(0, 0, num(board.get("BoardWidth")), num(board.get("BoardHeight")))
        if board is not None
        else Rect(0, 0, 0, 0)
    )
    extent = extent.union(*map(_EXTENT, items))
    name, organism = scene.name.strip() or "Untitled pathway", scene.organism.strip()
    width = max(extent.w + 2 * _MARGIN, _MIN_TITLE_WIDTH)
    one_line = 11 * len(name) + 7 * len(organism) + 4 * _MARGIN
    if one_line <= width or one_line <= extent.w + 2 * _MARGIN + _MIN_TITLE_WIDTH:
        width, lines = max(extent.w + 2 * _MARGIN, one_line), [name]
    else:  # a long title is wrapped (three lines at most), not drawn as a line that dwarfs the drawing
        lines = _title_lines(name, int((width - 2 * _MARGIN) // 11))
    band = _TITLE_BAND + _TITLE_LINE * (len(lines) - 1) + (_TITLE_LINE if len(lines) > 1 and organism else 0)
    view = Rect(extent.x - _MARGIN, extent.y - _MARGIN - band, width, extent.h + 2 * _MARGIN + band)
    markers = "".join(_marker(prefix, kind, colour) for kind, colour in sorted(heads))
    drawn = "".join(map(_MARKUP, items))
    corner, size = fmt_point(complex(view.x, view.y)), fmt_point(complex(view.w, view.h))
    return "".join([
        f'<svg xmlns="{SVG_NS}" viewBox="{corner} {size}" width="{fmt(view.w)}" height="{fmt(view.h)}"'
        f' role="img" font-family="{_FONT}" font-size="12" text-anchor="middle">',
        f"<title>{escape_text(name)}</title>",
        f"<defs>{markers}</defs>" if markers else "<defs/>",
        f'<rect fill="#ffffff" {rect(view)}/>',
        _title(lines, organism, view.x + _MARGIN, view.y + _MARGIN + 18),
        f'<g stroke-linejoin="round">{drawn}</g>' if drawn else '<g stroke-linejoin="round"/>',
        "</svg>",
    ])  # fmt: skip


def _title(lines: list[str], organism: str, x: float, y: float) -> str:
    """The title, its organism after it (or, under a wrapped title, on a line of its own)."""
    bold = 'font-size="18" font-weight="bold" text-anchor="start"'
    start = f'<text class="title" x="{fmt(x)}" y="{fmt(y)}" {bold}>'
    grey = 'font-size="13" font-weight="normal" fill="#666666"'
    if len(lines) == 1:
        after = f'<tspan dx="8" {grey}>{escape_text(organism)}</tspan>' if organism else ""
        return f"{start}{escape_text(lines[0])}{after}</text>"
    spans = "".join(
        f'<tspan x="{fmt(x)}" y="{fmt(y + i * _TITLE_LINE)}">{escape_text(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    if organism:
        at = y + len(lines) * _TITLE_LINE - 4
        spans += f'<tspan x="{fmt(x)}" y="{fmt(at)}" {grey}>{escape_text(organism)}</tspan>'
    return f"{start}{spans}</text>"


def _title_lines(name: str, chars: int) -> list[str]:
    """The title wrapped to ``chars`` a line, three lines at most, the last cut with an ellipsis."""
    lines = textwrap.wrap(name, max(chars, 20), break_long_words=True) or [name]
    if len(lines) > _TITLE_LINES:
        lines = lines[:_TITLE_LINES]
        lines[-1] = lines[-1][: max(chars, 20) - 1].rstrip() + "…"
    return lines


def render_svg(source: bytes | str | Path | etree._ElementTree) -> bytes:
    """Draw a GPML 2013a pathway (bytes, a file path, or a parsed tree) as a self-contained SVG document.

    Raises SchemaError with the file name when the source is not well-formed or not GPML 2013a.
    """
    tree = source if isinstance(source, etree._ElementTree) else parse_gpml(source)
    root = tree.getroot()
    if root.tag != _PATHWAY:
        raise _not_gpml_2013a(root, source)
    return _DECLARATION + _svg(Scene.of_tree(root)).encode()


def render_pathway(pathway: Pathway) -> bytes:
    """Draw the converter's model of a pathway: the same bytes as :func:`render_svg` of its GPML, without
    writing or parsing the GPML."""
    return _DECLARATION + _svg(Scene.of_pathway(pathway)).encode()


def _not_gpml_2013a(root: etree._Element, source: bytes | str | Path | etree._ElementTree) -> SchemaError:
    """The error for a root other than a GPML 2013a Pathway, naming the file and any GPML version it has."""
    if isinstance(source, etree._ElementTree):
        name = source.docinfo.URL or "<tree>"
    else:
        name = str(source) if isinstance(source, (str, Path)) else "<bytes>"
    return SchemaError(f"{name}: {not_gpml_2013a(root)}")


def render_file(gpml_path: Path, svg_path: Path) -> None:
    """Render ``gpml_path`` to ``svg_path``, which appears whole or not at all."""
    write_atomic(svg_path, render_svg(Path(gpml_path)))
