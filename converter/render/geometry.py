"""Geometry for the SVG preview: rectangles, where a node's Graphics puts it, line routes, SVG numbers.

``Rect`` is top-left based, as SVG draws (the model's ``Box`` is centre based, as GPML writes). Example:
``Route.path()`` is the SVG path of a line routed by :class:`~converter.render.scene.Scene`. Nothing here
writes markup but numbers and paths: :mod:`.svg` turns what is measured into SVG.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Hashable, Mapping
from itertools import pairwise
from typing import NamedTuple, TypeVar, cast

from lxml import etree

__all__ = [
    "Memo", "Placement", "Point", "Rect", "Route", "attributes", "dot", "elbow", "fmt", "fmt_point", "num",
    "placement", "placement_of", "rect_of", "side", "straighten",
]  # fmt: skip

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
_STUB = 20.0  # how far an elbow line runs out of a box before it turns back

Point = complex  # x + y*1j in pathway coordinates: sums, differences and distances come for free


class Rect(NamedTuple):
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

    def union(self, *others: Rect) -> Rect:
        """The box around this one and the others (added one by one, as the rounding of w and h shows)."""
        x, y, w, h = self
        for ox, oy, ow, oh in others:  # min() and max() written out: faster, and ties go the same way
            right, bottom = x + w, y + h  # pairs, not a 4-tuple: Python swaps a pair without building it
            x, y = ox if ox < x else x, oy if oy < y else y
            other_right, other_bottom = ox + ow, oy + oh
            w = (other_right if other_right > right else right) - x
            h = (other_bottom if other_bottom > bottom else bottom) - y
        return Rect(x, y, w, h)

    def grow(self, pad: float) -> Rect:
        return Rect(self.x - pad, self.y - pad, self.w + 2 * pad, self.h + 2 * pad)


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


def rect_of(gfx: Mapping[str, str]) -> Rect | None:
    """The box a Graphics element spans (CenterX/CenterY, Width/Height), or None without a centre."""
    cx, cy = gfx.get("CenterX"), gfx.get("CenterY")
    if cx is None or cy is None:
        return None
    w, h = num(gfx.get("Width")), num(gfx.get("Height"))
    w, h = 0.0 if w < 0 else w, 0.0 if h < 0 else h  # max(w, 0.0), written out: this runs for every node
    return Rect(num(cx) - w / 2, num(cy) - h / 2, w, h)


class Placement(NamedTuple):
    """Where a node's Graphics puts it: its box and z-order, and its attributes (shared: never change them).

    `key` holds all the attributes, names then values joined by NUL (which XML never holds): one string,
    cheap to hash and compare. `recurs` tells that placement() met the same attributes shortly before, as
    it does all the time in drafts laid out on a grid and seldom in pathways drawn by hand: only then is
    caching what depends on them worth its cost.
    """

    key: str
    attrs: Mapping[str, str]
    box: Rect
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
    return placement_of(cast("list[str]", [*gfx.keys(), *gfx.values()]))  # str: lxml decodes what it parses


def placement_of(parts: list[str]) -> Placement | None:
    """The placement given by a Graphics element's attribute names followed by their values, in order."""
    key = "\0".join(parts)
    if (found := _PLACEMENTS.get(key)) is None:
        half = len(parts) // 2
        attrs = dict(zip(parts[:half], parts[half:], strict=True))
        if (box := rect_of(attrs)) is None:
            return None
        found = Placement(key, attrs, box, num(attrs.get("ZOrder")), _PLACEMENTS.met_before(key))
        if found.recurs:
            _PLACEMENTS.keep(key, found)
    return found


def side(rel: Point) -> Point:
    """The side of a box a line leaves from, as a unit direction (PathVisio's rule)."""
    if abs(rel.real) > abs(rel.imag):
        return 1 if rel.real > 0 else -1
    return 1j if rel.imag > 0 else -1j


def dot(a: Point, b: Point) -> float:
    return a.real * b.real + a.imag * b.imag


def straighten(points: list[Point]) -> list[Point]:
    """Drop repeated points and points in the middle of a straight run."""
    out: list[Point] = []
    for p in points:
        if out and abs(p - out[-1]) < 1e-6:
            continue
        if len(out) >= 2:
            u, v = out[-1] - out[-2], p - out[-1]
            if abs(u.real * v.imag - u.imag * v.real) < 1e-6 and dot(u, v) >= 0:
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


def elbow(start: Point, ds: Point, end: Point, de: Point, waypoints: list[Point]) -> list[Point]:
    """Corners of an elbow line; the file's waypoints mark the middles of its inner segments."""
    if waypoints:
        points, across, cur = [start], ds.real != 0, start
        for w in waypoints:
            cur = complex(w.real, cur.imag) if across else complex(cur.real, w.imag)
            points.append(cur)
            across = not across
        return straighten(
            [*points, complex(end.real, cur.imag) if across else complex(cur.real, end.imag), end]
        )
    direct = straighten(_bend(start, ds, end, de, around=False))
    if len(direct) < 2 or (dot(direct[1] - start, ds) >= 0 and dot(end - direct[-2], de) <= 0):
        return direct
    return straighten([start, *_bend(start + ds * _STUB, ds, end + de * _STUB, de, around=True), end])


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

    def extent(self) -> Rect:
        """The box around the route (curves sampled)."""
        flat = self.flat()
        xs, ys = [p.real for p in flat], [p.imag for p in flat]
        left, top = min(xs), min(ys)
        return Rect(left, top, max(xs) - left, max(ys) - top)

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
