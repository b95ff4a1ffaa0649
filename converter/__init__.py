"""pfocr2gpml: turn Pathway Figure OCR figures into draft WikiPathways pathways.

The public API, imported on first use (importing the package does no work, so the command line starts
fast)::

    from converter import convert_record, validate, render_svg
    conversion = convert_record(Path("samples/PMC10796104__AD-15-1-186-g1.md"), Path("drafts"))

The steps one by one are :func:`read_record`, :func:`map_record`, :func:`build_pathway`, :func:`to_gpml`
and :func:`validate`; whole runs are :func:`run_batch` and :func:`push_drafts`.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: Public name -> the module that defines it.
_API = {
    "read_record": "records",
    "FigureRecord": "records",
    "map_record": "mapping",
    "RecordMapping": "mapping",
    "build_pathway": "draft",
    "DraftOptions": "draft",
    "Pathway": "model",
    "to_gpml": "gpml",
    "write_gpml": "gpml",
    "parse_gpml": "gpml",
    "validate": "gpml",
    "validate_paths": "gpml",
    "Finding": "gpml",
    "has_errors": "gpml",
    "convert_record": "pipeline",
    "ConvertOptions": "pipeline",
    "Conversion": "pipeline",
    "render_svg": "render",
    "render_file": "render",
    "run_batch": "batch",
    "push_drafts": "push",
    "PushOptions": "push",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(importlib.import_module(f".{_API[name]}", __name__), name)
    raise AttributeError(f"module 'converter' has no attribute {name!r}")
