"""Geometry of a GPML 2013a pathway for its SVG preview: boxes, line routes and number format.

Example: in WP1 an Interaction from HMGCR's right edge (RelX=1) to an Anchor halfway along another line
gets its route from ``Scene(root).route(line)``; ``Route.path()`` is the SVG path of that route. Nothing
here writes markup: render.py turns what this module measures into SVG.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Hashable, Mapping
from itertools import pairwise
from typing import NamedTuple, TypeVar, cast

from lxml import etree

from .gpml import GPML_NS

__all__ = [
    "Box", "Memo", "Placement", "Point", "Route", "Scene", "attributes", "box_of", "fmt", "fmt_point", "num",
    "placement",
]  # fmt: skip

_G = f"{{{GPML_NS}}}"
_GRAPHICS, _POINT, _ANCHOR = _G + "Graphics", _G + "Point", _G + "Anchor"
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
_LINE_KINDS = ("Interaction", "GraphicalLine")
_KINDS = {_G + kind: kind for kind in ("DataNode", "Label", "Shape", "State", "Group", *_LINE_KINDS)}
_GROUP_PAD = 8.0  # PathVisio draws a group this far outside its members
_STUB = 20.0  # how far an elbow line runs out of a box before it turns back

Point = complex  # x + y*1j in pathway coordinates: sums, differences and distances come for free


class Box(NamedTuple):
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

    def union(self, *others: Box) -> Box:
        """The box around this one and the others (added one by one, as the rounding of w and h shows)."""
        x, y, w, h = self
        for ox, oy, ow, oh in others:  # min() and max() written out: faster, and ties go the same way
            right, bottom = x + w, y + h  # pairs, not a 4-tuple: Python swaps a pair without building it
            x, y = ox if ox < x else x, oy if oy < y else y
            other_right, other_bottom = ox + ow, oy + oh
            w = (other_right if other_right > right else right) - x
            h = (other_bottom if other_bottom > bottom else bottom) - y
        return Box(x, y, w, h)

    def grow(self, pad: float) -> Box:
        return Box(self.x - pad, self.y - pad, self.w + 2 * pad, self.h + 2 * pad)


@functools.lru_cache(maxsize=4096)  # the same few sizes and positions recur all over a pathway
def num(value: str | None, default: float = 0.0) -> float:
    """A float attribute, or the default when it is absent or not a finite number."""
    try:
        number = float(value) if value is not None else default
    except ValueError:
        return default
    return number if math.isfinite(number) else default


@functools.lru_cache(maxsize=4096)
def fmt(value: float) -> str:
    """A coordinate for the SVG: two decimals at most, no trailing zeros, never '-0'."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fmt_point(p: Point) -> str:
    return f"{fmt(p.real)} {fmt(p.imag)}"


def attributes(el: etree._Element) -> dict[str, str]:
    """An element's attributes, read once: a dict answers get() several times faster than lxml does."""
    return cast("dict[str, str]", dict(el.items()))  # str, not bytes: lxml decodes what it parses


def box_of(gfx: Mapping[str, str]) -> Box | None:
    """The box a Graphics element spans (CenterX/CenterY, Width/Height), or None without a centre."""
    cx, cy = gfx.get("CenterX"), gfx.get("CenterY")
    if cx is None or cy is None:
        return None
    w, h = num(gfx.get("Width")), num(gfx.get("Height"))
    w, h = 0.0 if w < 0 else w, 0.0 if h < 0 else h  # max(w, 0.0), written out: this runs for every node
    return Box(num(cx) - w / 2, num(cy) - h / 2, w, h)


class Placement(NamedTuple):
    """Where a node's Graphics puts it: its box and z-order, and its attributes (shared: never change them).

    `key` holds all the attributes, names then values joined by NUL (which XML never holds): one string,
    cheap to hash and compare. `recurs` tells that placement() met the same attributes shortly before, as
    it does all the time in drafts laid out on a grid and seldom in pathways drawn by hand: only then is
    caching what depends on them worth its cost.
    """

    key: str
    attrs: Mapping[str, str]
    box: Box
    z: float
    recurs: bool


class Memo(dict[K, V]):
    """A small cache (a dict: a lookup is a C call) that forgets all once it holds `size` keys, and knows
    which keys it met."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size
        self.seen: set[K] = set()

    def keep(self, key: K, value: V) -> V:
        if len(self) >= self.size:
            self.clear()
        self[key] = value
        return value

    def met_before(self, key: K) -> bool:
        """Whether the key was met before; from now on, it was."""
        if key in self.seen:
            return True
        if len(self.seen) >= self.size:
            self.seen.clear()
        self.seen.add(key)
        return False


# Drafts share a few hundred placements among thousands of nodes, nearly all met again within a few drafts;
# pathways drawn by hand seldom repeat one, and keeping all of theirs slowed them down.
_PLACEMENTS: Memo[str, Placement] = Memo(512)


def placement(gfx: etree._Element) -> Placement | None:
    """The placement of a node by its Graphics element, or None without a centre."""
    parts = cast("list[str]", [*gfx.keys(), *gfx.values()])  # str, not bytes: lxml decodes what it parses
    key = "\0".join(parts)
    if (found := _PLACEMENTS.get(key)) is None:
        half = len(parts) // 2
        attrs = dict(zip(parts[:half], parts[half:], strict=True))
        if (box := box_of(attrs)) is None:
            return None
        found = Placement(key, attrs, box, num(attrs.get("ZOrder")), _PLACEMENTS.met_before(key))
        if found.recurs:
            _PLACEMENTS.keep(key, found)
    return found


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


class Route(NamedTuple):
    """How one line is drawn: its corner points and whether it curves through them, with the elements of
    its ends (the first and last Point, which carry the arrowheads) and of its Anchors."""

    points: list[Point]
    curved: bool
    ends: tuple[etree._Element, etree._Element]
    anchors: list[etree._Element]

    def path(self) -> str:
        if not self.curved or len(self.points) <= 2:
            return "M" + "L".join(map(fmt_point, self.points))
        pieces = "".join(
            f"C{fmt_point(c1)} {fmt_point(c2)} {fmt_point(end)}" for c1, c2, end in _curve(self.points)
        )
        return f"M{fmt_point(self.points[0])}{pieces}"

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

    def extent(self) -> Box:
        """The box around the route (curves sampled)."""
        flat = self.flat()
        xs, ys = [p.real for p in flat], [p.imag for p in flat]
        left, top = min(xs), min(ys)
        return Box(left, top, max(xs) - left, max(ys) - top)

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


def _points_and_anchors(gfx: etree._Element) -> tuple[list[etree._Element], list[etree._Element]]:
    """The Point and Anchor elements in a line's Graphics, in one pass over its children."""
    points, anchors = [], []
    for child in gfx:
        if (tag := child.tag) == _POINT:
            points.append(child)
        elif tag == _ANCHOR:
            anchors.append(child)
    return points, anchors


class Scene:
    """Geometry of one pathway: boxes by GraphId, group boxes by GroupId, line routes on demand.

    What render.py draws, in document order: `nodes` (DataNodes, Labels, Shapes with a box, each with its
    kind and Placement), `states`, `group_elements` and `lines`. `graphics` maps each element to its
    Graphics. Elements as keys are safe: lxml hands out the same proxy while one is alive.
    """

    def __init__(self, root: etree._Element) -> None:
        self.boxes: dict[str, Box] = {}
        self.groups: dict[str, tuple[Box, float]] = {}  # box and a z-order just below the members
        self.members: dict[str, list[str | Placement]] = {}  # a nested group's GroupId or a node's place
        self.anchors: dict[str, tuple[etree._Element, float]] = {}
        self.graphics: dict[etree._Element, etree._Element] = {}
        self.nodes: list[tuple[etree._Element, str, Placement]] = []
        self.states: list[etree._Element] = []
        self.group_elements: list[etree._Element] = []
        self.lines: list[etree._Element] = []
        self._routes: dict[etree._Element, Route | None] = {}
        for graphics in root.iter(_GRAPHICS):  # one pass instead of a find() per element
            if (parent := graphics.getparent()) is not None:
                self.graphics.setdefault(parent, graphics)
        self._sort_out(root)
        for state in self.states:
            if state.get("GraphId") and (box := self.state_box(state)) is not None:
                self.boxes[state.get("GraphId", "")] = box
        for group in self.group_elements:
            if (found := self.group(group.get("GroupId", ""), set())) and (graph_id := group.get("GraphId")):
                self.boxes[graph_id] = found[0]
        if self.lines:  # only lines hold anchors (in their Graphics): most drafts have none
            lines = set(self.lines)
            for anchor in root.iter(_ANCHOR):  # one pass over the tree, not two searches per line
                gfx = anchor.getparent()
                line = gfx.getparent() if gfx is not None and gfx.tag == _GRAPHICS else None
                if line in lines and (anchor_id := anchor.get("GraphId")) is not None:
                    self.anchors[anchor_id] = (line, num(anchor.get("Position"), 0.5))

    def _sort_out(self, root: etree._Element) -> None:
        """Fill the lists of what is drawn, the boxes by GraphId and the members of groups."""
        shapes = []  # DataNodes, Labels, Shapes and Groups, in document order
        for el in root:  # one loop over all children: iterchildren(*tags) costs more to set up than it saves
            kind = _KINDS.get(el.tag)  # None for other elements, comments and processing instructions
            if kind == "State":
                self.states.append(el)
            elif kind in _LINE_KINDS:
                self.lines.append(el)
            elif kind is not None:
                shapes.append((el, kind))
                if kind == "Group":
                    self.group_elements.append(el)
        # Only lines and States look boxes up by GraphId, and only groups have members: most drafts have no
        # lines or States and many have no groups, so their nodes' GraphId and GroupRef need not be read.
        grouped, boxed = bool(self.group_elements), bool(self.states or self.lines)
        for el, kind in shapes:
            gfx = self.graphics.get(el)
            placed = placement(gfx) if gfx is not None else None
            if placed is not None and kind != "Group":
                self.nodes.append((el, kind, placed))
            member = el.get("GroupId", "") if kind == "Group" else placed
            if grouped and member is not None and (group_ref := el.get("GroupRef")):
                self.members.setdefault(group_ref, []).append(member)
            if boxed and placed is not None and (graph_id := el.get("GraphId")):
                self.boxes[graph_id] = placed.box

    def state_box(self, state: etree._Element) -> Box | None:
        """A State sits on its DataNode at RelX/RelY, with its own width and height."""
        parent, gfx = self.boxes.get(state.get("GraphRef", "")), self.graphics.get(state)
        if parent is None or gfx is None:
            return None
        w, h = max(num(gfx.get("Width")), 0.0), max(num(gfx.get("Height")), 0.0)
        centre = parent.at(complex(num(gfx.get("RelX")), num(gfx.get("RelY"))))
        return Box(centre.real - w / 2, centre.imag - h / 2, w, h)

    def group(self, group_id: str, seen: set[str]) -> tuple[Box, float] | None:
        """Bounds of a group's members (nested groups included) plus padding, and a z just below them."""
        if group_id in self.groups or group_id in seen or not group_id:
            return self.groups.get(group_id)
        seen.add(group_id)
        found: list[tuple[Box, float]] = []
        for member in self.members.get(group_id, []):
            if isinstance(member, str):
                found += filter(None, [self.group(member, seen)])
            else:
                found.append((member.box, member.z))
        if not found:
            return None
        bounds = found[0][0].union(*(box for box, _z in found[1:]))
        self.groups[group_id] = bounds.grow(_GROUP_PAD), min(z for _b, z in found) - 0.5
        return self.groups[group_id]

    def place(self, point: etree._Element) -> tuple[Point | None, Point | None]:
        """Where a line point sits (on the element it references, else at its X/Y), and its box side."""
        ref, rel = point.get("GraphRef", ""), complex(num(point.get("RelX")), num(point.get("RelY")))
        if ref in self.boxes:
            return self.boxes[ref].at(rel), _side(rel)
        if ref in self.anchors and (route := self.route(self.anchors[ref][0])) is not None:
            return route.along(self.anchors[ref][1])[0], None
        if point.get("X") is None or point.get("Y") is None:
            return None, None
        return complex(num(point.get("X")), num(point.get("Y"))), None

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
        gfx = self.graphics.get(line)
        points, anchors = _points_and_anchors(gfx) if gfx is not None else ([], [])
        if gfx is None or len(points) < 2:
            return None
        (start, ds), (end, de) = self.place(points[0]), self.place(points[-1])
        if start is None or end is None:
            return None
        middle = [
            complex(num(p.get("X")), num(p.get("Y"))) for p in points[1:-1] if p.get("X") and p.get("Y")
        ]
        kind = gfx.get("ConnectorType", "Straight")
        if kind in ("Elbow", "Curved"):
            ds, de = ds or self.free_side(points[0], start, end), de or self.free_side(points[-1], end, start)
            corners = _elbow(start, ds, end, de, middle)
        else:
            corners = _clean([start, *middle, end]) if kind == "Segmented" else [start, end]
        corners = corners if len(corners) > 1 else [start, end]
        self._routes[line] = Route(corners, kind == "Curved", (points[0], points[-1]), anchors)
        return self._routes[line]
