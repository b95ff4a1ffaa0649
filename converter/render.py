"""SVG preview of any GPML 2013a pathway, drawn from the file itself in pure Python.

Example: ``render_file(Path("WP1.gpml"), Path("WP1.svg"))`` draws the statin pathway at the file's own
coordinates: gene products as black boxes, metabolites in blue, interactions with their arrowheads,
groups as light dashed boxes, and the pathway name as the title. The SVG is self-contained (no fonts,
scripts or URLs fetched) and the same input always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import math
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from lxml import etree

from .errors import SchemaError
from .gpml import GPML_NS, KNOWN_NAMESPACES, parse_gpml

__all__ = ["render_file", "render_svg"]

SVG_NS = "http://www.w3.org/2000/svg"
_G = f"{{{GPML_NS}}}"
_FONT = "Arial, Helvetica, sans-serif"
_MARGIN, _TITLE_BAND = 10.0, 36.0
_GROUP_PAD = 8.0  # PathVisio draws a group this far outside its members
_STUB = 20.0  # how far an elbow line runs out of a box before it turns back
_SAFE_LINK = ("http://", "https://", "ftp://", "mailto:")

Point = complex  # x + y*1j in pathway coordinates: sums, differences and distances come for free
Attrs = dict[str, str | None]


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in pathway coordinates (top-left corner and size)."""

    x: float
    y: float
    w: float
    h: float

    @property
    def centre(self) -> Point:
        return complex(self.x + self.w / 2, self.y + self.h / 2)

    def at(self, rel: Point) -> Point:
        """The point at GPML relative coordinates: 0 is the centre, 1+1j the bottom-right corner."""
        return self.centre + complex(rel.real * self.w / 2, rel.imag * self.h / 2)

    def union(self, other: Box) -> Box:
        x, y = min(self.x, other.x), min(self.y, other.y)
        return Box(
            x, y, max(self.x + self.w, other.x + other.w) - x, max(self.y + self.h, other.y + other.h) - y
        )

    def grow(self, pad: float) -> Box:
        return Box(self.x - pad, self.y - pad, self.w + 2 * pad, self.h + 2 * pad)


def _f(value: str | None, default: float = 0.0) -> float:
    """A float attribute, or the default when it is absent or not a finite number."""
    try:
        number = float(value) if value is not None else default
    except ValueError:
        return default
    return number if math.isfinite(number) else default


def _n(value: float) -> str:
    """A coordinate for the SVG: two decimals at most, no trailing zeros, never '-0'."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _xy(p: Point) -> str:
    return f"{_n(p.real)} {_n(p.imag)}"


_NAMED_COLOURS = {
    "aqua": "#00ffff", "black": "#000000", "blue": "#0000ff", "fuchsia": "#ff00ff", "gray": "#808080",
    "green": "#008000", "lime": "#00ff00", "maroon": "#800000", "navy": "#000080", "olive": "#808000",
    "purple": "#800080", "red": "#ff0000", "silver": "#c0c0c0", "teal": "#008080", "white": "#ffffff",
    "yellow": "#ffff00", "transparent": "none",
}  # fmt: skip


def _colour(value: str | None, default: str) -> str:
    """A GPML colour (hex without '#', or a name such as 'Transparent') as an SVG paint."""
    text = (value or "").strip().lower()
    if text in _NAMED_COLOURS:
        return _NAMED_COLOURS[text]
    return "#" + text if len(text) == 6 and all(c in "0123456789abcdef" for c in text) else default


def _box(gfx: etree._Element | None) -> Box | None:
    if gfx is None or gfx.get("CenterX") is None or gfx.get("CenterY") is None:
        return None
    w, h = max(_f(gfx.get("Width")), 0.0), max(_f(gfx.get("Height")), 0.0)
    return Box(_f(gfx.get("CenterX")) - w / 2, _f(gfx.get("CenterY")) - h / 2, w, h)


def _side(rel: Point) -> Point:
    """The side of a box a line leaves from, as a unit direction (PathVisio's rule)."""
    if abs(rel.real) > abs(rel.imag):
        return 1 if rel.real > 0 else -1
    return 1j if rel.imag > 0 else -1j


def _dot(a: Point, b: Point) -> float:
    return a.real * b.real + a.imag * b.imag


def _clean(points: list[Point]) -> list[Point]:
    """Drop repeated points and points in the middle of a straight run."""
    out: list[Point] = []
    for p in points:
        if out and abs(p - out[-1]) < 1e-6:
            continue
        if len(out) >= 2:
            u, v = out[-1] - out[-2], p - out[-1]
            if abs(u.real * v.imag - u.imag * v.real) < 1e-6 and _dot(u, v) >= 0:
                out[-1] = p
                continue
        out.append(p)
    return out


def _bend(a: Point, da: Point, b: Point, db: Point, around: bool) -> list[Point]:
    """Orthogonal route from a (leaving along da) to b (entered along db); `around` turns the other way."""
    across_a, across_b = da.real != 0, db.real != 0
    if across_a == across_b and across_a != around:
        mid_x = (a.real + b.real) / 2
        return [a, complex(mid_x, a.imag), complex(mid_x, b.imag), b]
    if across_a == across_b:
        mid_y = (a.imag + b.imag) / 2
        return [a, complex(a.real, mid_y), complex(b.real, mid_y), b]
    return [a, complex(b.real, a.imag) if across_a != around else complex(a.real, b.imag), b]


def _elbow(start: Point, ds: Point, end: Point, de: Point, waypoints: list[Point]) -> list[Point]:
    """Corners of an elbow line; the file's waypoints mark the middles of its inner segments."""
    if waypoints:
        points, across, cur = [start], ds.real != 0, start
        for w in waypoints:
            cur = complex(w.real, cur.imag) if across else complex(cur.real, w.imag)
            points.append(cur)
            across = not across
        return _clean([*points, complex(end.real, cur.imag) if across else complex(cur.real, end.imag), end])
    direct = _clean(_bend(start, ds, end, de, around=False))
    if len(direct) < 2 or (_dot(direct[1] - start, ds) >= 0 and _dot(end - direct[-2], de) <= 0):
        return direct
    return _clean([start, *_bend(start + ds * _STUB, ds, end + de * _STUB, de, around=True), end])


def _curve(points: list[Point]) -> list[tuple[Point, Point, Point]]:
    """PathVisio's curved connector: cubic pieces (control, control, end) through inner segment middles."""
    pieces, prev = [], points[0]
    for a, b in pairwise(points[1:-1]):
        pieces.append((prev, a, (a + b) / 2))
        prev = (a + b) / 2
    return [*pieces, (points[-2], points[-1], points[-1])]


@dataclass(frozen=True)
class Route:
    """How one line is drawn: its corner points, and whether it curves through them."""

    points: list[Point]
    curved: bool

    def path(self) -> str:
        if self.curved and len(self.points) > 2:
            pieces = "".join(f"C{_xy(c1)} {_xy(c2)} {_xy(end)}" for c1, c2, end in _curve(self.points))
        else:
            pieces = "".join(f"L{_xy(p)}" for p in self.points[1:])
        return f"M{_xy(self.points[0])}{pieces}"

    def flat(self) -> list[Point]:
        """The route as a polyline (curves sampled), for anchors and extents."""
        if not self.curved or len(self.points) <= 2:
            return self.points
        out = [self.points[0]]
        for c1, c2, end in _curve(self.points):
            p0 = out[-1]
            out += [(1 - t) ** 3 * p0 + 3 * (1 - t) ** 2 * t * c1 + 3 * (1 - t) * t * t * c2 + t**3 * end
                    for t in (i / 8 for i in range(1, 9))]  # fmt: skip
        return out

    def along(self, position: float) -> tuple[Point, Point]:
        """The point at a fraction of the line's length (where an Anchor sits) and the direction there."""
        flat, heading = self.flat(), 1 + 0j
        left = max(0.0, min(1.0, position)) * sum(abs(b - a) for a, b in pairwise(flat))
        for a, b in pairwise(flat):
            if abs(b - a) > 0:
                heading = (b - a) / abs(b - a)
                if left <= abs(b - a):
                    return a + heading * left, heading
            left -= abs(b - a)
        return flat[-1], heading


class Scene:
    """Geometry of one pathway: boxes by GraphId, group boxes by GroupId, line routes on demand."""

    def __init__(self, root: etree._Element) -> None:
        self.boxes: dict[str, Box] = {}
        self.groups: dict[str, tuple[Box, float]] = {}  # box and a z-order just below the members
        self.members: dict[str, list[etree._Element]] = {}
        self.anchors: dict[str, tuple[etree._Element, float]] = {}
        self._routes: dict[etree._Element, Route | None] = {}
        for el in root.iterchildren(_G + "DataNode", _G + "Label", _G + "Shape", _G + "Group"):
            self.members.setdefault(el.get("GroupRef", ""), []).append(el)
            if el.get("GraphId") and (box := _box(el.find(_G + "Graphics"))) is not None:
                self.boxes[el.get("GraphId", "")] = box
        for state in root.iterchildren(_G + "State"):
            if state.get("GraphId") and (box := self.state_box(state)) is not None:
                self.boxes[state.get("GraphId", "")] = box
        for group in root.iterchildren(_G + "Group"):
            if (found := self.group(group.get("GroupId", ""), set())) and group.get("GraphId"):
                self.boxes[group.get("GraphId", "")] = found[0]
        for line in root.iterchildren(_G + "Interaction", _G + "GraphicalLine"):
            for anchor in line.iterfind(f"{_G}Graphics/{_G}Anchor[@GraphId]"):
                self.anchors[anchor.get("GraphId", "")] = (line, _f(anchor.get("Position"), 0.5))

    def state_box(self, state: etree._Element) -> Box | None:
        """A State sits on its DataNode at RelX/RelY, with its own width and height."""
        parent, gfx = self.boxes.get(state.get("GraphRef", "")), state.find(_G + "Graphics")
        if parent is None or gfx is None:
            return None
        w, h = max(_f(gfx.get("Width")), 0.0), max(_f(gfx.get("Height")), 0.0)
        centre = parent.at(complex(_f(gfx.get("RelX")), _f(gfx.get("RelY"))))
        return Box(centre.real - w / 2, centre.imag - h / 2, w, h)

    def group(self, group_id: str, seen: set[str]) -> tuple[Box, float] | None:
        """Bounds of a group's members (nested groups included) plus padding, and a z just below them."""
        if group_id in self.groups or group_id in seen or not group_id:
            return self.groups.get(group_id)
        seen.add(group_id)
        found: list[tuple[Box, float]] = []
        for member in self.members.get(group_id, []):
            gfx = member.find(_G + "Graphics")
            if member.tag == _G + "Group":
                found += filter(None, [self.group(member.get("GroupId", ""), seen)])
            elif gfx is not None and (box := _box(gfx)) is not None:
                found.append((box, _f(gfx.get("ZOrder"))))
        if not found:
            return None
        bounds = found[0][0]
        for box, _z in found[1:]:
            bounds = bounds.union(box)
        self.groups[group_id] = bounds.grow(_GROUP_PAD), min(z for _b, z in found) - 0.5
        return self.groups[group_id]

    def place(self, point: etree._Element) -> tuple[Point | None, Point | None]:
        """Where a line point sits (on the element it references, else at its X/Y), and its box side."""
        ref, rel = point.get("GraphRef", ""), complex(_f(point.get("RelX")), _f(point.get("RelY")))
        if ref in self.boxes:
            return self.boxes[ref].at(rel), _side(rel)
        if ref in self.anchors and (route := self.route(self.anchors[ref][0])) is not None:
            return route.along(self.anchors[ref][1])[0], None
        if point.get("X") is None or point.get("Y") is None:
            return None, None
        return complex(_f(point.get("X")), _f(point.get("Y"))), None

    def free_side(self, point: etree._Element, at: Point, other: Point) -> Point:
        """Side of a line end not on a box: across the line it is anchored to, else facing the other end."""
        anchor = self.anchors.get(point.get("GraphRef", ""))
        route = self._routes.get(anchor[0]) if anchor else None
        if anchor is None or route is None:
            return _side(other - at)
        normal = route.along(anchor[1])[1] * 1j
        return _side(normal if _dot(normal, other - at) >= 0 else -normal)

    def route(self, line: etree._Element) -> Route | None:
        """The drawn route of an Interaction or GraphicalLine, or None when its ends cannot be placed."""
        if line in self._routes:
            return self._routes[line]
        self._routes[line] = None  # an anchor chain that loops back falls back to the points' X/Y
        gfx = line.find(_G + "Graphics")
        if gfx is None or len(points := gfx.findall(_G + "Point")) < 2:
            return None
        (start, ds), (end, de) = self.place(points[0]), self.place(points[-1])
        if start is None or end is None:
            return None
        middle = [complex(_f(p.get("X")), _f(p.get("Y"))) for p in points[1:-1] if p.get("X") and p.get("Y")]
        kind = gfx.get("ConnectorType", "Straight")
        if kind in ("Elbow", "Curved"):
            ds, de = ds or self.free_side(points[0], start, end), de or self.free_side(points[-1], end, start)
            corners = _elbow(start, ds, end, de, middle)
        else:
            corners = _clean([start, *middle, end]) if kind == "Segmented" else [start, end]
        self._routes[line] = Route(corners if len(corners) > 1 else [start, end], kind == "Curved")
        return self._routes[line]


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
_GROUP_STYLE: dict[str, Attrs] = {  # translucent fills, so lines passing under a group stay visible
    "Complex": {"fill": "#808080", "fill-opacity": "0.1", "stroke": "#9a9a9a", "stroke-dasharray": "4 2"},
    "Pathway": {"fill": "#00a000", "fill-opacity": "0.07", "stroke": "#8fbc8f", "stroke-dasharray": "4 2"},
}
_PLAIN_GROUP: Attrs = {"fill": "none", "stroke": "#b4b4b4", "stroke-dasharray": "4 2"}
_DEFAULT_FONTS = frozenset({"", "Arial", "SansSerif", "Dialog", "Helvetica"})


def _el(parent: etree._Element | None, tag: str, attrs: Attrs) -> etree._Element:
    """An SVG element with the given attributes (None values left out), appended to parent if any."""
    clean = {k: v for k, v in attrs.items() if v is not None}
    name = f"{{{SVG_NS}}}{tag}"
    return etree.Element(name, clean) if parent is None else etree.SubElement(parent, name, clean)


def _rect(b: Box, radius: float = 0.0) -> tuple[str, Attrs]:
    attrs: Attrs = {"x": _n(b.x), "y": _n(b.y), "width": _n(b.w), "height": _n(b.h)}
    return "rect", attrs | ({"rx": _n(radius)} if radius else {})


def _rounded(limit: float, share: float = 4) -> Callable[[Box], tuple[str, Attrs]]:
    return lambda b: _rect(b, min(limit, b.w / share, b.h / share))


def _ellipse(b: Box) -> tuple[str, Attrs]:
    return "ellipse", {"cx": _n(b.centre.real), "cy": _n(b.centre.imag), "rx": _n(b.w / 2), "ry": _n(b.h / 2)}


def _polygon(sides: int) -> Callable[[Box], tuple[str, Attrs]]:
    """A regular polygon in the box's ellipse with a corner pointing right (a Triangle points right)."""
    turns = [
        complex(math.cos(2 * math.pi * k / sides), math.sin(2 * math.pi * k / sides)) for k in range(sides)
    ]
    return lambda b: ("polygon", {"points": " ".join(_xy(b.at(t)).replace(" ", ",") for t in turns)})


def _path(draw: Callable[[Box, str, str], str]) -> Callable[[Box], tuple[str, Attrs]]:
    """An open outline drawn as a path; draw gets the box and the ellipse radii as text."""
    return lambda b: ("path", {"d": draw(b, _n(b.w / 2), _n(b.h / 2)), "fill": "none"})


def _brace(b: Box, _rx: str, _ry: str) -> str:
    q, c, top, bottom = min(b.h / 2, b.w / 4), b.centre, complex(b.centre.real, b.y), b.y + b.h
    left, right = complex(b.x, c.imag), complex(b.x + b.w, c.imag)
    up = f"M{_xy(complex(b.x, bottom))}Q{_xy(left)} {_xy(left + q)}H{_n(c.real - q)}Q{_xy(c)} {_xy(top)}"
    return f"{up}Q{_xy(c)} {_xy(c + q)}H{_n(right.real - q)}Q{_xy(right)} {_xy(complex(right.real, bottom))}"


_OUTLINES: dict[str, Callable[[Box], tuple[str, Attrs]]] = {
    "Rectangle": _rect, "RoundedRectangle": _rounded(10), "Mitochondria": _rounded(math.inf, 2),
    "Oval": _ellipse, "Ellipse": _ellipse, "Circle": _ellipse, "Nucleus": _ellipse, "Vesicle": _ellipse,
    "mim-phosphorylated": _ellipse, "mim-interaction": _ellipse,
    "Triangle": _polygon(3), "Pentagon": _polygon(5), "Hexagon": _polygon(6), "Octagon": _polygon(8),
    "Endoplasmic Reticulum": _rounded(20), "Golgi Apparatus": _rounded(20),
    "Sarcoplasmic Reticulum": _rounded(20), "Cell": _rounded(20), "Brace": _path(_brace),
    "Arc": _path(lambda b, rx, ry: f"M{_n(b.x)} {_n(b.centre.imag)}a{rx} {ry} 0 0 1 {_n(b.w)} 0"),
    "mim-degradation": _path(lambda b, rx, ry: f"M{_n(b.x)} {_n(b.centre.imag)}a{rx} {ry} 0 1 1 {_n(b.w)} 0"
                             f"a{rx} {ry} 0 1 1 {_n(-b.w)} 0m0 {_n(b.h / 2)}l{_n(b.w)} {_n(-b.h)}"),
}  # fmt: skip


def _stroke(gfx: etree._Element, colour: str) -> Attrs:
    """Stroke paint, width and dashes of a shape or line from its Graphics."""
    width = _f(gfx.get("LineThickness"), 1.0)
    return {
        "stroke": colour if width > 0 else "none",
        "stroke-width": _n(width) if width > 0 and width != 1 else None,
        "stroke-dasharray": "5 3" if gfx.get("LineStyle") == "Broken" else None,
    }


def _text(label: str, gfx: etree._Element, box: Box, colour: str, valign: str) -> etree._Element:
    """The label as one SVG text element (a tspan per line), placed in the box by Align and Valign."""
    lines = label.splitlines() or [label]
    size = _f(gfx.get("FontSize"), 12.0) or 12.0
    step, align, valign, count = size * 1.2, gfx.get("Align", "Center"), gfx.get("Valign", valign), len(lines)
    x = {"Left": box.x + 2, "Right": box.x + box.w - 2}.get(align, box.centre.real)
    y = {"Middle": box.centre.imag - (count - 1) * step / 2 + size * 0.35,
         "Bottom": box.y + box.h - (count - 1) * step - size * 0.25}.get(valign, box.y + size)  # fmt: skip
    font = "".join(c for c in gfx.get("FontName", "") if c.isalnum() or c in " -")
    lines_through = {"underline": gfx.get("FontDecoration") == "Underline",
                     "line-through": gfx.get("FontStrikethru") == "Strikethru"}  # fmt: skip
    text = _el(None, "text", {
        "x": _n(x), "y": _n(y), "fill": colour if colour != "#000000" else None,
        "font-size": _n(size) if size != 12 else None,
        "font-family": None if font in _DEFAULT_FONTS else f"{font}, {_FONT}",
        "font-weight": "bold" if gfx.get("FontWeight") == "Bold" else None,
        "font-style": "italic" if gfx.get("FontStyle") == "Italic" else None,
        "text-decoration": " ".join(k for k, on in lines_through.items() if on) or None,
        "text-anchor": {"Left": "start", "Right": "end"}.get(align),
    })  # fmt: skip
    if count == 1:
        text.text = lines[0]
    for i, line in enumerate(lines if count > 1 else []):
        _el(text, "tspan", {"x": _n(x), "y": _n(y + i * step)}).text = line
    return text


def _node(el: etree._Element, kind: str, gfx: etree._Element, box: Box) -> etree._Element:
    """A DataNode, Label, Shape or State: outline and label in a group of class `kind` (lower case)."""
    fill, shape, valign = _DEFAULTS[kind]
    colour = _colour(
        gfx.get("Color"), _TYPE_COLOUR.get(el.get("Type", "") if kind == "DataNode" else "", "#000000")
    )
    g = _el(None, "g", {"class": kind.lower()})
    if rotation := _f(gfx.get("Rotation")):
        g.set("transform", f"rotate({_n(math.degrees(rotation))} {_xy(box.centre)})")
    if (outline := gfx.get("ShapeType", shape)) != "None":
        tag, attrs = _OUTLINES.get(outline, _rect)(box)
        _el(g, tag, {"fill": _colour(gfx.get("FillColor"), fill), **attrs, **_stroke(gfx, colour)})
    if (label := el.get("TextLabel", "")).strip():
        g.append(_text(label, gfx, box, colour, valign))
    href = el.get("Href", "").strip()
    if kind == "Label" and href.lower().startswith(_SAFE_LINK):  # never javascript: or data: links
        link = _el(None, "a", {"href": href})
        link.append(g)
        return link
    return g


def _line(
    el: etree._Element, gfx: etree._Element, route: Route, prefix: str, heads: set[tuple[str, str]]
) -> etree._Element:
    """An Interaction or GraphicalLine with its arrowheads (as markers) and its visible anchors."""
    colour = _colour(gfx.get("Color"), "#000000")
    g = _el(None, "g", {"class": etree.QName(el).localname.lower()})
    path = _el(g, "path", {"d": route.path(), "fill": "none", **_stroke(gfx, colour)})
    points = gfx.findall(_G + "Point")
    for attr, point in (("marker-start", points[0]), ("marker-end", points[-1])):
        if (head := point.get("ArrowHead", "")) not in _NO_HEAD and colour != "none":
            heads.add((kind := _HEADS.get(head, "arrow"), colour))
            path.set(attr, f"url(#{prefix}{kind}-{colour[1:]})")
    for anchor in gfx.iterfind(_G + "Anchor"):
        if anchor.get("Shape") == "Circle":
            at = route.along(_f(anchor.get("Position"), 0.5))[0]
            _el(g, "circle", {"cx": _n(at.real), "cy": _n(at.imag), "r": "3", "fill": colour})
    return g


def _items(
    root: etree._Element, scene: Scene, prefix: str, heads: set[tuple[str, str]]
) -> Iterator[tuple[float, etree._Element, Box]]:
    """Everything drawn, with its z-order and extent; groups sit below their members, States on top."""
    for group in root.iterchildren(_G + "Group"):
        if found := scene.groups.get(group.get("GroupId", "")):
            style = _GROUP_STYLE.get(group.get("Style", ""), _PLAIN_GROUP)
            yield found[1], _el(None, "rect", {"class": "group", **_rect(found[0], 4)[1], **style}), found[0]
    for el in root.iterchildren(_G + "DataNode", _G + "Label", _G + "Shape", _G + "State"):
        kind, gfx = etree.QName(el).localname, el.find(_G + "Graphics")
        box = scene.state_box(el) if kind == "State" else _box(gfx)
        if gfx is not None and box is not None:
            yield (math.inf if kind == "State" else _f(gfx.get("ZOrder"))), _node(el, kind, gfx, box), box
    for el in root.iterchildren(_G + "Interaction", _G + "GraphicalLine"):
        gfx = el.find(_G + "Graphics")
        if gfx is not None and (route := scene.route(el)) is not None:
            xs, ys = [p.real for p in route.flat()], [p.imag for p in route.flat()]
            extent = Box(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
            yield _f(gfx.get("ZOrder")), _line(el, gfx, route, prefix, heads), extent


def _marker(defs: etree._Element, prefix: str, kind: str, colour: str) -> None:
    marker = _el(defs, "marker", {
        "id": f"{prefix}{kind}-{colour[1:]}", "viewBox": "-17 -8 19 16", "markerWidth": "19",
        "markerHeight": "16", "orient": "auto-start-reverse", "markerUnits": "userSpaceOnUse",
    })  # fmt: skip
    for attrs in _MARKERS[kind]:
        _el(marker, "path", {k: colour if v == "C" else v for k, v in attrs.items()})


def _svg(root: etree._Element) -> etree._Element:
    """The SVG document: title, arrowhead markers, white background, then everything in z-order."""
    prefix = "p" + hashlib.sha256(etree.tostring(root)).hexdigest()[:8] + "-"  # ids unique per pathway
    heads: set[tuple[str, str]] = set()
    items = sorted(enumerate(_items(root, Scene(root), prefix, heads)), key=lambda it: (it[1][0], it[0]))
    board = root.find(_G + "Graphics")
    extent = (
        Box(0, 0, _f(board.get("BoardWidth")), _f(board.get("BoardHeight")))
        if board is not None
        else Box(0, 0, 0, 0)
    )
    for _i, (_z, _e, box) in items:
        extent = extent.union(box)
    name, organism = root.get("Name", "").strip() or "Untitled pathway", root.get("Organism", "").strip()
    width = max(extent.w + 2 * _MARGIN, 11 * len(name) + 7 * len(organism) + 4 * _MARGIN)
    view = Box(
        extent.x - _MARGIN, extent.y - _MARGIN - _TITLE_BAND, width, extent.h + 2 * _MARGIN + _TITLE_BAND
    )
    svg = etree.fromstring(f'<svg xmlns="{SVG_NS}"/>')
    svg.attrib.update({
        "viewBox": f"{_xy(complex(view.x, view.y))} {_xy(complex(view.w, view.h))}", "width": _n(view.w),
        "height": _n(view.h), "role": "img", "font-family": _FONT, "font-size": "12", "text-anchor": "middle",
    })  # fmt: skip
    _el(svg, "title", {}).text = name
    defs = _el(svg, "defs", {})
    for kind, colour in sorted(heads):
        _marker(defs, prefix, kind, colour)
    _el(svg, "rect", {"fill": "#ffffff", **_rect(view)[1]})
    title = _el(svg, "text", {"class": "title", "x": _n(view.x + _MARGIN), "y": _n(view.y + _MARGIN + 18),
                              "font-size": "18", "font-weight": "bold", "text-anchor": "start"})  # fmt: skip
    title.text = name
    if organism:
        _el(
            title, "tspan", {"dx": "8", "font-size": "13", "font-weight": "normal", "fill": "#666666"}
        ).text = organism
    content = _el(svg, "g", {"stroke-linejoin": "round"})
    for _i, (_z, element, _box) in items:
        content.append(element)
    return svg


def render_svg(source: bytes | str | Path | etree._ElementTree) -> bytes:
    """Draw a GPML 2013a pathway (bytes, a file path, or a parsed tree) as a self-contained SVG document.

    Raises SchemaError with the file name when the source is not well-formed or not GPML 2013a.
    """
    if isinstance(source, etree._ElementTree):
        tree, name = source, source.docinfo.URL or "<tree>"
    else:
        tree, name = parse_gpml(source), str(source) if isinstance(source, (str, Path)) else "<bytes>"
    root = tree.getroot()
    qname = etree.QName(root)
    if qname.namespace != GPML_NS or qname.localname != "Pathway":
        version = KNOWN_NAMESPACES.get(qname.namespace or "")
        if version:
            raise SchemaError(
                f"{name}: {version} is not supported; render reads GPML 2013a (convert it with PathVisio)"
            )
        raise SchemaError(f"{name}: not a GPML 2013a pathway (root element {root.tag!r})")
    return etree.tostring(_svg(root), xml_declaration=True, encoding="UTF-8")


def render_file(gpml_path: Path, svg_path: Path) -> None:
    """Render gpml_path to svg_path, writing a temporary file beside it and moving it into place."""
    data, svg_path = render_svg(Path(gpml_path)), Path(svg_path)
    handle, temp = tempfile.mkstemp(dir=svg_path.parent, prefix=f".{svg_path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temp, 0o644)  # mkstemp makes the file private; a preview is meant to be read
        os.replace(temp, svg_path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
