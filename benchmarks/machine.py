"""What machine a benchmark ran on: shared by the scripts in this folder."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, else what the platform module knows."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def describe() -> str:
    """CPU model, CPUs, OS, and the Python and lxml/libxml2 versions that the timings depend on."""
    from lxml import etree

    libxml = ".".join(map(str, etree.LIBXML_VERSION))
    return (
        f"{cpu_model()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, lxml {etree.__version__} (libxml2 {libxml})"
    )


def load() -> str:
    """The 1-minute load average: above zero before a run, other work shares the CPUs."""
    return f"{os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "unknown"
