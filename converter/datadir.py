"""Where pfocr2gpml keeps data a user adds (imported gene tables): one folder, found, never made here.

``PFOCR2GPML_DATA`` when set; else the platform's user data folder: ``$XDG_DATA_HOME/pfocr2gpml`` (an absolute
``XDG_DATA_HOME``), else ``~/.local/share/pfocr2gpml`` on Linux and other Unix systems,
``~/Library/Application Support/pfocr2gpml`` on macOS, ``%APPDATA%\\pfocr2gpml`` on Windows. The folder is
made by the first write into it (:mod:`converter.files`), not by looking it up.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .defaults import DATA_ENV, DATA_FOLDER_NAME

__all__ = ["data_folder"]


def data_folder() -> Path:
    """The data folder, e.g. ``Path("/home/ana/.local/share/pfocr2gpml")``; read from the environment on
    each call, so a changed ``PFOCR2GPML_DATA`` is seen at once."""
    given = os.environ.get(DATA_ENV, "").strip()
    if given:
        return Path(given).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or home / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        xdg = os.environ.get("XDG_DATA_HOME", "")
        base = Path(xdg) if os.path.isabs(xdg) else home / ".local" / "share"
    return base / DATA_FOLDER_NAME
