"""`python -m bench` (make bench): every benchmark module of this folder, in turn.

A benchmark is a module `bench/<name>.py` with a `run()` that prints its
figures; it is found and run here without registering it anywhere.
`python -m bench cold_start` runs only the named ones.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path

FIRST = ["cold_start"]  # cheap and independent of the data: before the sandbox ones


def discover() -> list[str]:
    names = sorted(
        module.name
        for module in pkgutil.iter_modules([str(Path(__file__).parent)])
        if not module.name.startswith("_")
    )
    return [name for name in FIRST if name in names] + [n for n in names if n not in FIRST]


def main(names: list[str]) -> int:
    for name in names or discover():
        module = importlib.import_module(f"bench.{name}")
        if not callable(getattr(module, "run", None)):
            continue
        print(f"== {name}: {(module.__doc__ or name).strip().splitlines()[0]}", flush=True)
        started = time.perf_counter()
        module.run()
        print(f"({time.perf_counter() - started:.1f} s)\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
