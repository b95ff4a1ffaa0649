"""Layout: no overlaps, all inside the board, families kept together, at any size."""

from __future__ import annotations

import itertools
import textwrap

import pytest

from converter.layout import (
    GROUP_PAD,
    MARGIN,
    MIN_BOARD_WIDTH,
    TITLE_FONT,
    Section,
    arrange,
    family_of,
    natural_key,
)
from converter.model import Box


def _overlap(a: Box, b: Box) -> bool:
    return a.left < b.right and b.left < a.right and a.top < b.bottom and b.top < a.bottom


def _all_boxes(title: str, links: list[str], sections: list[Section]) -> tuple[list[Box], float, float]:
    page = arrange(title, links, sections)
    boxes = [page.title, *page.links]
    for placed in page.sections:
        boxes.append(placed.heading)
        boxes.extend(placed.boxes)
    return boxes, page.width, page.height


@pytest.mark.parametrize("n", [1, 2, 7, 60, 500, 2000])
def test_no_overlap_and_inside_board(n: int) -> None:
    genes = tuple(f"GENE{i}" for i in range(n))
    chems = tuple(f"chemical number {i}" for i in range(n // 3))
    sections = [Section("Genes", genes, families=True), Section("Chemicals", chems)]
    boxes, width, height = _all_boxes("A title " * 20, ["link one", "link two"], sections)
    assert len(boxes) == 1 + 2 + 2 + n + n // 3
    for box in boxes:
        assert box.left >= 0 and box.right <= width and box.top >= 0 and box.bottom <= height
    # Only nodes can collide; check all pairs on the smaller sizes, neighbours on the larger ones.
    pairs = itertools.combinations(boxes, 2) if n <= 500 else itertools.pairwise(boxes)
    assert not any(_overlap(a, b) for a, b in pairs)


def test_large_grid_is_wider_than_tall() -> None:
    page = arrange("t", [], [Section("Genes", tuple(f"G{i}" for i in range(2000)), families=True)])
    assert page.width > page.height * 0.8


def test_families_sit_together_in_natural_order() -> None:
    items = ("STAT3", "GRIN2B", "IL6", "GRIN1", "JAK2", "GRIN3B", "GRIN2A", "IL10", "CCL2")
    page = arrange("Title", [], [Section("Genes", items, families=True)])
    placed = page.sections[0]
    families = dict(placed.families)
    assert [items[i] for i in families["GRIN"]] == ["GRIN1", "GRIN2A", "GRIN2B", "GRIN3B"]
    grin = [placed.boxes[i] for i in families["GRIN"]]
    assert len({b.y for b in grin}) == 1, "a short family stays on one row"
    xs = [b.x for b in grin]
    assert xs == sorted(xs)
    assert "STAT" not in families  # a lone gene is no family


def test_deterministic() -> None:
    sections = [Section("Genes", ("B", "A2", "A1"), families=True)]
    assert arrange("x", ["y"], sections) == arrange("x", ["y"], sections)


def test_helpers() -> None:
    assert family_of("GRIN2A") == "GRIN" and family_of("Il6") == "IL" and family_of("9-ABC") == "9-ABC"
    assert sorted(["GRIN10", "GRIN2", "GRIN1"], key=natural_key) == ["GRIN1", "GRIN2", "GRIN10"]


@pytest.mark.parametrize(
    "title",
    [
        "",
        "Short title",
        "  leading spaces",
        "trailing space ",
        "no\u00a0break",
        "tab\there",
        "x" * 80,
        "A title " * 20,
    ],
)
def test_title_lines_as_textwrap_wraps_them(title: str) -> None:
    """A title that fits one line skips textwrap: the lines must come out as textwrap makes them."""
    width = int((MIN_BOARD_WIDTH - 2 * MARGIN) // (TITLE_FONT * 0.62))
    assert arrange(title, [], []).title_lines == (tuple(textwrap.wrap(title, width)) or ("",))


@pytest.mark.parametrize("n", [1, 2, 7, 60, 500, 2000])
def test_family_frames_never_meet(n: int) -> None:
    """Each family is drawn in a frame GROUP_PAD beyond its members: no two frames touch, and no frame
    covers a node that is not its family's, whatever the number of genes."""
    stems = ["GRIN", "IL", "CASP", "MAPK", "TNFRSF", "WNT", "A", "B"]
    genes = tuple(f"{stems[i % len(stems)]}{i // len(stems) + 1}" for i in range(n))
    page = arrange("Frames", [], [Section("Genes", genes, families=True)])
    (section,) = page.sections
    frames = []
    for _, members in section.families:
        inner = [section.boxes[i] for i in members]
        left, right = min(b.left for b in inner) - GROUP_PAD, max(b.right for b in inner) + GROUP_PAD
        top, bottom = min(b.top for b in inner) - GROUP_PAD, max(b.bottom for b in inner) + GROUP_PAD
        frames.append((Box((left + right) / 2, (top + bottom) / 2, right - left, bottom - top), set(members)))
    if n >= 2 * len(stems):  # every stem has two members or more: a family each
        assert len(frames) == len(stems)
    for (a, _), (b, _) in itertools.combinations(frames, 2):
        assert not _overlap(a, b)
    for frame, members in frames:
        strangers = [box for i, box in enumerate(section.boxes) if i not in members]
        assert not any(_overlap(frame, box) for box in strangers)
