"""Runs a command and writes the CPU seconds (user + system) that it and every process it started used.

    cpu_seconds.py OUT_FILE COMMAND [ARG ...]

The local Glue runner wraps the job in it. PySpark's driver never waits for the JVM it starts (the JVM exits when
the driver's pipe to it closes, after the driver is gone), so the JVM is orphaned, and with it the CPU of Spark and
of its Python workers: a plain parent never sees it. This process makes itself the child subreaper (Linux
prctl(PR_SET_CHILD_SUBREAPER)), so orphaned descendants are re-parented to it; it waits for every one of them, and
RUSAGE_CHILDREN then holds the CPU time of the whole tree. Exits with the command's status.
"""
from __future__ import annotations

import ctypes
import os
import resource
import subprocess
import sys

PR_SET_CHILD_SUBREAPER = 36   # <linux/prctl.h>


def main(argv) -> int:
    out, command = argv[1], argv[2:]
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")
    status = subprocess.call(command)
    while True:                          # the orphans re-parented to us: wait until the last one has exited
        try:
            os.wait()
        except ChildProcessError:
            break
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(out, "w") as f:
        f.write(f"{usage.ru_utime + usage.ru_stime:.3f}\n")
    return status if status >= 0 else 128 - status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
