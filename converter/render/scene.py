"""What the SVG preview draws of a parsed GPML 2013a pathway, and where: nodes, States, groups and lines.

Example: in WP1 an Interaction from HMGCR's right edge (RelX=1) to an Anchor halfway along another line gets
its route from ``Scene(root).route(line)``.
"""

from __future__ import annotations

from collections.abc import Mapping

from lxml import etree

from ..gpml.markup import G, as_parsed
from ..gpml.writer import LABEL_Z, NODE_Z, Style, label_style, node_style, number
from ..layout import GROUP_PAD
from ..model import Box, Pathway
from .geometry import (
    Memo,
    Placement,
    Point,
    Rect,
    Route,
    dot,
    elbow,
    num,
    placement,
    placement_of,
    side,
    straighten,
)

__all__ = ["Item", "Scene"]


#: A drawn element, read with ``get(attribute)``: an lxml element, or a dict for an element of the model.
Item = etree._Element | dict[str, str]

_GRAPHICS, _POINT, _ANCHOR = G + "Graphics", G + "Point", G + "Anchor"
LINE_KINDS = ("Interaction", "GraphicalLine")
_KINDS = {G + kind: kind for kind in ("DataNode", "Label", "Shape", "State", "Group", *LINE_KINDS)}
_GROUP_PAD = GROUP_PAD


_PLACED: Memo[tuple[Box, str, Style], Placement] = Memo(4096)  # drafts lay their nodes on a few grids


def _placed(box: Box, z: str, style: Style) -> Placement:
    """The placement a node of the model gets: what the Graphics written for it would give."""
    if (found := _PLACED.get((box, z, style))) is not None:
        return found
    names = ["CenterX", "CenterY", "Width", "Height", "ZOrder", *(name for name, _ in style)]
    values = [number(box.x), number(box.y), number(box.width), number(box.height), z, *(v for _, v in style)]
    placed = placement_of([*names, *values])
    assert placed is not None  # a model's box always has a centre
    return _PLACED.keep((box, z, style), placed._replace(recurs=True))  # met again: worth caching its frame


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
    """What one pathway draws, and where: boxes by GraphId, group boxes by GroupId, line routes on demand.

    Two sources give the same scene: :meth:`of_tree` reads any parsed GPML 2013a pathway; :meth:`of_pathway`
    reads the converter's model, so a draft's preview needs no parse of the draft (the same bytes, a test
    checks it on every draft of the corpus). What :mod:`.svg` draws, in document order: `nodes` (DataNodes,
    Labels, Shapes with a box, each with its kind and Placement), `states`, `group_elements` and `lines`;
    each item answers ``get(attribute)`` (an lxml element, or a dict for the model). `graphics` maps each
    element to its Graphics; `board` is the Pathway's. Elements as keys are safe: lxml hands out the same
    proxy while one is alive.
    """

    def __init__(self, name: str, organism: str, board: Mapping[str, str] | None) -> None:
        self.name, self.organism, self.board = name, organism, board
        self.root: etree._Element | None = None  # the parsed pathway, when the scene is read from one
        self.boxes: dict[str, Rect] = {}
        self.groups: dict[str, tuple[Rect, float]] = {}  # box and a z-order just below the members
        self.members: dict[str, list[str | Placement]] = {}  # a nested group's GroupId or a node's place
        self.anchors: dict[str, tuple[etree._Element, float]] = {}
        self.graphics: dict[etree._Element, etree._Element] = {}
        self.nodes: list[tuple[Item, str, Placement]] = []
        self.states: list[etree._Element] = []
        self.group_elements: list[Item] = []
        self.lines: list[etree._Element] = []
        self._routes: dict[etree._Element, Route | None] = {}

    @classmethod
    def of_tree(cls, root: etree._Element) -> Scene:
        """The scene of a parsed GPML 2013a ``<Pathway>``."""
        scene = cls(root.get("Name", ""), root.get("Organism", ""), None)
        scene.root = root
        for graphics in root.iter(_GRAPHICS):  # one pass instead of a find() per element
            if (parent := graphics.getparent()) is not None:
                scene.graphics.setdefault(parent, graphics)
        board = scene.graphics.get(root)
        scene.board = dict(board.items()) if board is not None else None  # type: ignore[arg-type]
        scene._sort_out(root)
        for state in scene.states:
            if state.get("GraphId") and (box := scene.state_box(state)) is not None:
                scene.boxes[state.get("GraphId", "")] = box
        scene._place_groups()
        if scene.lines:  # only lines hold anchors (in their Graphics): most drafts have none
            lines = set(scene.lines)
            for anchor in root.iter(_ANCHOR):  # one pass over the tree, not two searches per line
                gfx = anchor.getparent()
                line = gfx.getparent() if gfx is not None and gfx.tag == _GRAPHICS else None
                if line in lines and (anchor_id := anchor.get("GraphId")) is not None:
                    scene.anchors[anchor_id] = (line, num(anchor.get("Position"), 0.5))
        return scene

    @classmethod
    def of_pathway(cls, pathway: Pathway) -> Scene:
        """The scene of the converter's model, as a parse of the GPML written from it would give."""
        board = {"BoardWidth": number(pathway.board_width), "BoardHeight": number(pathway.board_height)}
        scene = cls(as_parsed(pathway.name), as_parsed(pathway.organism), board)
        grouped = bool(pathway.groups)
        for node in pathway.nodes:
            item = {"TextLabel": as_parsed(node.label), "Type": node.type}
            placed = _placed(node.box, NODE_Z, node_style(node))
            scene.nodes.append((item, "DataNode", placed))
            if grouped and node.group:
                scene.members.setdefault(node.group, []).append(placed)
        for label in pathway.labels:
            text = {"TextLabel": as_parsed(label.text), "Href": as_parsed(label.href)}
            scene.nodes.append((text, "Label", _placed(label.box, LABEL_Z, label_style(label))))
        for group in pathway.groups:
            scene.group_elements.append({"GroupId": group.group_id, "Style": group.style})
        scene._place_groups()
        return scene

    def _place_groups(self) -> None:
        for group in self.group_elements:
            if (found := self.group(group.get("GroupId") or "", set())) and (
                graph_id := group.get("GraphId")
            ):
                self.boxes[graph_id] = found[0]

    def _sort_out(self, root: etree._Element) -> None:
        """Fill the lists of what is drawn, the boxes by GraphId and the members of groups."""
        shapes = []  # DataNodes, Labels, Shapes and Groups, in document order
        for el in root:  # one loop over all children: iterchildren(*tags) costs more to set up than it saves
            kind = _KINDS.get(el.tag)  # None for other elements, comments and processing instructions
            if kind == "State":
                self.states.append(el)
            elif kind in LINE_KINDS:
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

    def state_box(self, state: etree._Element) -> Rect | None:
        """A State sits on its DataNode at RelX/RelY, with its own width and height."""
        parent, gfx = self.boxes.get(state.get("GraphRef", "")), self.graphics.get(state)
        if parent is None or gfx is None:
            return None
        w, h = max(num(gfx.get("Width")), 0.0), max(num(gfx.get("Height")), 0.0)
        centre = parent.at(complex(num(gfx.get("RelX")), num(gfx.get("RelY"))))
        return Rect(centre.real - w / 2, centre.imag - h / 2, w, h)

    def group(self, group_id: str, seen: set[str]) -> tuple[Rect, float] | None:
        """Bounds of a group's members (nested groups included) plus padding, and a z just below them."""
        if group_id in self.groups or group_id in seen or not group_id:
            return self.groups.get(group_id)
        seen.add(group_id)
        found: list[tuple[Rect, float]] = []
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
            return self.boxes[ref].at(rel), side(rel)
        if ref in self.anchors and (route := self.route(self.anchors[ref][0])) is not None:
            return route.along(self.anchors[ref][1])[0], None
        if point.get("X") is None or point.get("Y") is None:
            return None, None
        return complex(num(point.get("X")), num(point.get("Y"))), None

    def freeside(self, point: etree._Element, at: Point, other: Point) -> Point:
        """Side of a line end not on a box: across the line it is anchored to, else facing the other end."""
        anchor = self.anchors.get(point.get("GraphRef", ""))
        route = self._routes.get(anchor[0]) if anchor else None
        if anchor is None or route is None:
            return side(other - at)
        normal = route.along(anchor[1])[1] * 1j
        return side(normal if dot(normal, other - at) >= 0 else -normal)

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
            ds, de = ds or self.freeside(points[0], start, end), de or self.freeside(points[-1], end, start)
            corners = elbow(start, ds, end, de, middle)
        else:
            corners = straighten([start, *middle, end]) if kind == "Segmented" else [start, end]
        corners = corners if len(corners) > 1 else [start, end]
        self._routes[line] = Route(corners, kind == "Curved", (points[0], points[-1]), anchors)
        return self._routes[line]
