"""SVG previews of GPML 2013a pathways, drafts and live WikiPathways pathways alike.

:mod:`.scene` finds what a parsed pathway draws and where, :mod:`.geometry` measures boxes and line routes,
:mod:`.shapes` outlines GPML's ShapeTypes, and :mod:`.svg` writes the document.
"""

from .svg import render_file, render_pathway, render_svg

__all__ = ["render_file", "render_pathway", "render_svg"]
