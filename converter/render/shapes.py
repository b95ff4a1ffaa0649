"""Outlines of GPML ShapeTypes for the SVG preview: which SVG element draws each, with what geometry.

Example: ``OUTLINES["Oval"].geometry(Rect(0, 0, 80, 20))`` is ``'cx="40" cy="10" rx="40" ry="10"'``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

from .geometry import Rect, fmt, fmt_point

__all__ = ["OUTLINES", "RECTANGLE", "Outline", "rect"]


class Outline(NamedTuple):
    """How a ShapeType is drawn: the SVG element, its geometry attributes for a box, whether it is open."""

    tag: str
    geometry: Callable[[Rect], str]
    open: bool = False  # an open outline (a brace, an arc) is never filled


def rect(b: Rect, radius: float = 0.0) -> str:
    """The geometry attributes of a rectangle (rounded when radius is not 0), as markup."""
    corner = f' rx="{fmt(radius)}"' if radius else ""
    return f'x="{fmt(b.x)}" y="{fmt(b.y)}" width="{fmt(b.w)}" height="{fmt(b.h)}"{corner}'


def _rounded(limit: float, share: float = 4) -> Outline:
    return Outline("rect", lambda b: rect(b, min(limit, b.w / share, b.h / share)))


def _ellipse(b: Rect) -> str:
    c = b.centre
    return f'cx="{fmt(c.real)}" cy="{fmt(c.imag)}" rx="{fmt(b.w / 2)}" ry="{fmt(b.h / 2)}"'


def _polygon(sides: int) -> Outline:
    """A regular polygon in the box's ellipse with a corner pointing right (a Triangle points right)."""
    turns = [
        complex(math.cos(2 * math.pi * k / sides), math.sin(2 * math.pi * k / sides)) for k in range(sides)
    ]
    return Outline(
        "polygon", lambda b: f'points="{" ".join(fmt_point(b.at(t)).replace(" ", ",") for t in turns)}"'
    )


def _path(draw: Callable[[Rect, str, str], str]) -> Outline:
    """An open outline drawn as a path; draw gets the box and the ellipse radii as text."""
    return Outline("path", lambda b: f'd="{draw(b, fmt(b.w / 2), fmt(b.h / 2))}"', open=True)


def _brace(b: Rect, _rx: str, _ry: str) -> str:
    q, c, top, bottom = min(b.h / 2, b.w / 4), b.centre, complex(b.centre.real, b.y), b.y + b.h
    left, right = complex(b.x, c.imag), complex(b.x + b.w, c.imag)
    xy = fmt_point
    up = f"M{xy(complex(b.x, bottom))}Q{xy(left)} {xy(left + q)}H{fmt(c.real - q)}Q{xy(c)} {xy(top)}"
    return f"{up}Q{xy(c)} {xy(c + q)}H{fmt(right.real - q)}Q{xy(right)} {xy(complex(right.real, bottom))}"


RECTANGLE, _OVAL = Outline("rect", rect), Outline("ellipse", _ellipse)
#: Outline of each ShapeType; any other name is drawn as a RECTANGLE.
OUTLINES: dict[str, Outline] = {
    "Rectangle": RECTANGLE, "RoundedRectangle": _rounded(10), "Mitochondria": _rounded(math.inf, 2),
    "Oval": _OVAL, "Ellipse": _OVAL, "Circle": _OVAL, "Nucleus": _OVAL, "Vesicle": _OVAL,
    "mim-phosphorylated": _OVAL, "mim-interaction": _OVAL,
    "Triangle": _polygon(3), "Pentagon": _polygon(5), "Hexagon": _polygon(6), "Octagon": _polygon(8),
    "Endoplasmic Reticulum": _rounded(20), "Golgi Apparatus": _rounded(20),
    "Sarcoplasmic Reticulum": _rounded(20), "Cell": _rounded(20), "Brace": _path(_brace),
    "Arc": _path(lambda b, rx, ry: f"M{fmt(b.x)} {fmt(b.centre.imag)}a{rx} {ry} 0 0 1 {fmt(b.w)} 0"),
    "mim-degradation": _path(lambda b, rx, ry: f"M{fmt(b.x)} {fmt(b.centre.imag)}"
                             f"a{rx} {ry} 0 1 1 {fmt(b.w)} 0a{rx} {ry} 0 1 1 {fmt(-b.w)} 0"
                             f"m0 {fmt(b.h / 2)}l{fmt(b.w)} {fmt(-b.h)}"),
}  # fmt: skip
