"""What the benchmarks share: the process's memory marks and the atomic write of a table."""

from __future__ import annotations

import os


def proc_status() -> dict:
    """VmRSS and VmHWM of this process, in MB."""
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line[:5]] = int(line.split()[1]) / 1024
    return out


def reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark (VmHWM); False where /proc does not allow it."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def write_table(text: str, path: str | None) -> None:
    """Write ``text`` to ``path`` (if given) atomically: a temporary file, then a rename."""
    if path:
        part = path + ".tmp"
        with open(part, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(part, path)
