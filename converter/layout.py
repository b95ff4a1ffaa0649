"""Place a draft's title, links and sections of nodes on a grid, and size the board.

Pure: text in, boxes out. Genes of one family (GRIN1 … GRIN3B) sit side by side in one run;
no two boxes overlap and everything lies inside the board, from 1 to thousands of nodes.
"""

from __future__ import annotations

import functools
import math
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from .model import Box

__all__ = [
    "GROUP_PAD",
    "Layout",
    "Section",
    "SectionLayout",
    "arrange",
    "family_of",
    "natural_key",
    "text_width",
]

MARGIN = 30.0
GAP_X = 12.0
GAP_Y = 12.0
NODE_HEIGHT = 25.0
MIN_NODE_WIDTH = 80.0
MAX_NODE_WIDTH = 240.0
MIN_BOARD_WIDTH = 820.0
HEADING_HEIGHT = 26.0
#: How far a group's frame reaches beyond its members: PathVisio, and the preview, draw it so.
GROUP_PAD = 8.0
#: The room added between rows whose families' frames would otherwise meet (GAP_Y < 2 * GROUP_PAD).
FRAME_GAP = 2 * GROUP_PAD - GAP_Y + 4
LINK_HEIGHT = 20.0
TITLE_FONT = 18
#: Wider than tall reads best on screen; this is the grid's target width:height ratio.
ASPECT = 1.6

_FAMILY = re.compile(r"[A-Za-z]+")
_NUMBER = re.compile(r"(\d+)")


@dataclass(frozen=True)
class Section:
    """A heading and the texts of its items; ``families`` groups items of one gene family."""

    heading: str
    items: tuple[str, ...]
    families: bool = False


@dataclass(frozen=True)
class SectionLayout:
    """Where a section went: its heading, one box per item (input order), and family runs (item indices)."""

    heading: Box
    boxes: tuple[Box, ...]
    families: tuple[tuple[str, tuple[int, ...]], ...]


@dataclass(frozen=True)
class Layout:
    """The whole page."""

    title: Box
    title_lines: tuple[str, ...]
    links: tuple[Box, ...]
    sections: tuple[SectionLayout, ...]
    width: float
    height: float


def text_width(text: str, font_size: int = 12) -> float:
    """A generous estimate of rendered width in pixels (Arial averages ~0.6 em a character)."""
    return len(text) * font_size * 0.62


# The per-symbol helpers are cached: a batch's figures name the same genes (TP53, AKT1 …) over and over.
@functools.lru_cache(maxsize=4096)
def natural_key(text: str) -> tuple[tuple[int, str], ...]:
    """Sort key in which GRIN2 comes before GRIN10."""
    if text.isalpha():  # most family names: no digits to split on
        return ((-1, text.casefold()),)
    return tuple([(int(p), "") if p.isdigit() else (-1, p.casefold()) for p in _NUMBER.split(text) if p])


@functools.lru_cache(maxsize=4096)
def family_of(symbol: str) -> str:
    """A gene's family by symbol stem: GRIN2A → GRIN, Il6 → IL, tRNA:Arg-TCT-3-1 → TRNA."""
    match = _FAMILY.match(symbol)
    return match.group(0).upper() if match else symbol.upper()


def _cell_width(items: Sequence[str]) -> float:
    # text_width grows with the length alone, so the longest text is the widest
    widest = text_width(max(items, key=len, default="")) + 16
    return min(MAX_NODE_WIDTH, max(MIN_NODE_WIDTH, math.ceil(widest)))


def _board_width(sections: Sequence[Section], cells: Sequence[float]) -> float:
    """Wide enough that the largest section's grid comes out about ASPECT times wider than tall."""
    width = MIN_BOARD_WIDTH
    for section, cell_width in zip(sections, cells, strict=True):
        n = len(section.items)
        cell = cell_width + GAP_X
        columns = math.ceil(math.sqrt(n * ASPECT * (NODE_HEIGHT + GAP_Y) / cell)) if n else 1
        width = max(width, 2 * MARGIN + columns * cell - GAP_X)
    return float(math.ceil(width))


def _runs(section: Section) -> list[tuple[str, list[int]]]:
    """Item indices in display order, as runs: one run per family (≥ 2 members) or per lone item."""
    if not section.families:
        return [("", [i]) for i in range(len(section.items))]
    families: dict[str, list[int]] = {}
    for index, text in enumerate(section.items):
        families.setdefault(family_of(text), []).append(index)
    runs = []
    for name in sorted(families, key=natural_key):
        members = families[name]
        if len(members) > 1:  # only a family's members need the (costly) natural order
            members.sort(key=lambda index: natural_key(section.items[index]))
            runs.append((name, members))
        else:
            runs.append(("", members))
    return runs


def _place_section(section: Section, cell: float, top: float, width: float) -> tuple[SectionLayout, float]:
    heading = Box(width / 2, top + HEADING_HEIGHT / 2, width - 2 * MARGIN, HEADING_HEIGHT)
    columns = max(1, int((width - 2 * MARGIN + GAP_X) // (cell + GAP_X)))
    slots, families = _grid(_runs(section), columns)
    # Rows where one family's frame would meet another's get more room: a frame reaches GROUP_PAD beyond
    # its members, above, below and to the sides.
    row_families: dict[int, set[str]] = {}
    for row, _col, family in slots:
        if family:
            row_families.setdefault(row, set()).add(family)
    ys, y = [], top + HEADING_HEIGHT + GAP_Y
    for row in range(max((r for r, _, _ in slots), default=-1) + 1):
        framed, above = row_families.get(row, set()), row_families.get(row - 1, set())
        if row and framed and above and framed != above:
            y += FRAME_GAP
        ys.append(y + NODE_HEIGHT / 2)
        y += NODE_HEIGHT + GAP_Y
    xs = [MARGIN + col * (cell + GAP_X) + cell / 2 for col in range(columns)]
    boxes = tuple(Box(xs[col], ys[row], cell, NODE_HEIGHT) for row, col, _ in slots)
    return SectionLayout(heading, boxes, tuple(families)), y


def _grid(
    runs: list[tuple[str, list[int]]], columns: int
) -> tuple[list[tuple[int, int, str]], list[tuple[str, tuple[int, ...]]]]:
    """Each item's (row, column, family) in input order, and the family runs.

    A family that does not fit the rest of the row starts a new one, and one longer than a row gets rows of
    its own, so family blocks never interleave; a family right after another in a row is one cell apart,
    so their frames do not meet.
    """
    slots: list[tuple[int, int, str]] = [(0, 0, "")] * sum(len(members) for _, members in runs)
    families = []
    row, col, last = 0, 0, ""
    for name, members in runs:
        if name and col and last:
            col += 1
        if col and (col + len(members) > columns):
            row, col = row + 1, 0
        for index in members:
            if col == columns:
                row, col = row + 1, 0
            slots[index] = (row, col, name)
            col += 1
        last = name
        if name:
            families.append((name, tuple(members)))
            if len(members) > columns:
                row, col, last = row + 1, 0, ""
    return slots, families


def _title_lines(title: str, width: int) -> tuple[str, ...]:
    # textwrap splits and rejoins even a title that fits one line (many PFOCR titles do); it returns
    # such a line unchanged when its only whitespace is spaces (isprintable) and none trails.
    if len(title) <= width and title.isprintable() and not title.endswith(" "):
        return (title,)
    return tuple(textwrap.wrap(title, width)) or ("",)


def arrange(title: str, links: Sequence[str], sections: Sequence[Section]) -> Layout:
    """Lay out the title (wrapped to the board), a row of link labels, then each section under its heading."""
    cells = [_cell_width(section.items) for section in sections]
    width = _board_width(sections, cells)
    usable = width - 2 * MARGIN
    lines = _title_lines(title, max(10, int(usable // (TITLE_FONT * 0.62))))
    title_height = len(lines) * (TITLE_FONT * 1.4) + 8
    title_box = Box(width / 2, MARGIN + title_height / 2, usable, title_height)
    top = MARGIN + title_height + GAP_Y
    link_boxes = []
    x = MARGIN
    for text in links:
        w = min(usable, text_width(text) + 16)
        if x > MARGIN and x + w > width - MARGIN:
            x, top = MARGIN, top + LINK_HEIGHT + 4
        link_boxes.append(Box(x + w / 2, top + LINK_HEIGHT / 2, w, LINK_HEIGHT))
        x += w + GAP_X
    top += LINK_HEIGHT + 2 * GAP_Y
    placed = []
    for section, cell in zip(sections, cells, strict=True):
        layout, top = _place_section(section, cell, top, width)
        placed.append(layout)
        top += GAP_Y
    return Layout(title_box, lines, tuple(link_boxes), tuple(placed), width, float(math.ceil(top + MARGIN)))
