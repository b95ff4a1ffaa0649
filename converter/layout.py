"""Place a draft's title, links and sections of nodes on a grid, and size the board.

Pure: text in, boxes out. Genes of one family (GRIN1 … GRIN3B) sit side by side in one run;
no two boxes overlap and everything lies inside the board, from 1 to thousands of nodes.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from .model import Box

__all__ = ["Layout", "Section", "SectionLayout", "arrange", "family_of", "natural_key", "text_width"]

MARGIN = 30.0
GAP_X = 12.0
GAP_Y = 12.0
NODE_HEIGHT = 25.0
MIN_NODE_WIDTH = 80.0
MAX_NODE_WIDTH = 240.0
MIN_BOARD_WIDTH = 820.0
HEADING_HEIGHT = 26.0
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


def natural_key(text: str) -> tuple[tuple[int, str], ...]:
    """Sort key in which GRIN2 comes before GRIN10."""
    return tuple([(int(p), "") if p.isdigit() else (-1, p.casefold()) for p in _NUMBER.split(text) if p])


def family_of(symbol: str) -> str:
    """A gene's family by symbol stem: GRIN2A → GRIN, Il6 → IL, tRNA:Arg-TCT-3-1 → TRNA."""
    match = _FAMILY.match(symbol)
    return match.group(0).upper() if match else symbol.upper()


def _cell_width(items: Sequence[str]) -> float:
    widest = max((text_width(t) for t in items), default=0.0) + 16
    return min(MAX_NODE_WIDTH, max(MIN_NODE_WIDTH, math.ceil(widest)))


def _board_width(sections: Sequence[Section]) -> float:
    """Wide enough that the largest section's grid comes out about ASPECT times wider than tall."""
    width = MIN_BOARD_WIDTH
    for section in sections:
        n = len(section.items)
        cell = _cell_width(section.items) + GAP_X
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
    keys = [natural_key(text) for text in section.items]
    for name in sorted(families, key=natural_key):
        members = sorted(families[name], key=keys.__getitem__)
        if len(members) > 1:
            runs.append((name, members))
        else:
            runs.append(("", members))
    return runs


def _place_section(section: Section, top: float, width: float) -> tuple[SectionLayout, float]:
    heading = Box(width / 2, top + HEADING_HEIGHT / 2, width - 2 * MARGIN, HEADING_HEIGHT)
    cell = _cell_width(section.items)
    columns = max(1, int((width - 2 * MARGIN + GAP_X) // (cell + GAP_X)))
    boxes: list[Box | None] = [None] * len(section.items)
    families = []
    row, col = 0, 0
    y0 = top + HEADING_HEIGHT + GAP_Y
    for name, members in _runs(section):
        # A family that does not fit the rest of the row starts a new one; a family longer than a row
        # gets rows of its own, so family blocks never interleave.
        if col and (col + len(members) > columns):
            row, col = row + 1, 0
        for index in members:
            if col == columns:
                row, col = row + 1, 0
            x = MARGIN + col * (cell + GAP_X) + cell / 2
            y = y0 + row * (NODE_HEIGHT + GAP_Y) + NODE_HEIGHT / 2
            boxes[index] = Box(x, y, cell, NODE_HEIGHT)
            col += 1
        if name:
            families.append((name, tuple(members)))
            if len(members) > columns:
                row, col = row + 1, 0
    rows = row + 1 if col else row
    bottom = y0 + rows * (NODE_HEIGHT + GAP_Y)
    placed = tuple(b for b in boxes if b is not None)
    return SectionLayout(heading, placed, tuple(families)), bottom


def arrange(title: str, links: Sequence[str], sections: Sequence[Section]) -> Layout:
    """Lay out the title (wrapped to the board), a row of link labels, then each section under its heading."""
    width = _board_width(sections)
    usable = width - 2 * MARGIN
    lines = tuple(textwrap.wrap(title, max(10, int(usable // (TITLE_FONT * 0.62))))) or ("",)
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
    for section in sections:
        layout, top = _place_section(section, top, width)
        placed.append(layout)
        top += GAP_Y
    return Layout(title_box, lines, tuple(link_boxes), tuple(placed), width, float(math.ceil(top + MARGIN)))
