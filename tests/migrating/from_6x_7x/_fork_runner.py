"""Runs scripts as ``python script.py`` would, one forked child each, for tests/migrating.

Started once as ``python _fork_runner.py`` (the interpreter and environment the scripts
are to run with): it imports what upstream's blocks import (the SDK under both names,
requests, aiohttp, asyncio) once, then reads one JSON line per script from stdin,
``{"path": ..., "args": [...], "out": ..., "err": ...}``, forks, and answers one JSON
line ``{"returncode": N}`` once the child has ended. The child is the script's own
process from there on: its folder is the working directory and ``sys.path[0]``,
``sys.argv`` is the script's, stdout and stderr go to the files named, an uncaught
exception is printed as the interpreter prints it and exits 1, and the interpreter's own
exit (threads joined, ``atexit``, finalisers) ends it. What the runner saves is each
script's interpreter start and imports (about half a second of CPU a block).
"""

from __future__ import annotations

import asyncio  # noqa: F401  (the blocks' imports, loaded once before any fork)
import json
import os
import runpy
import sys
import traceback

import requests  # noqa: F401

import speakeasy  # noqa: F401
import speakeasy_client_sdk_python  # noqa: F401

try:
    import aiohttp  # noqa: F401
except ImportError:  # pragma: no cover - the async blocks then fail as they would alone
    pass


def _child(job: dict) -> None:
    """Become the script's process: never returns (``SystemExit`` ends the interpreter)."""
    path = job["path"]
    for fd, name in ((1, job["out"]), (2, job["err"])):
        target = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    folder = os.path.dirname(path)
    os.chdir(folder)
    sys.path[0] = folder
    sys.argv = [path, *job["args"]]
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit:
        raise
    except BaseException:
        traceback.print_exc()
        sys.exit(1)
    sys.exit(0)


def main() -> None:
    for line in sys.stdin:
        job = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _child(job)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"returncode": os.waitstatus_to_exitcode(status)}), flush=True)


if __name__ == "__main__":
    main()
