"""`make bench`: run every benchmark module and print its numbers.

Each module has `run() -> None` and prints its own lines. Pass module names to
run only some: `python -m bench imports desk public`.
"""

import importlib
import sys
import time

MODULES = ["imports", "desk", "public", "triage", "jobs", "dashboard"]


def main(names: list[str]) -> None:
    for name in names or MODULES:
        started = time.perf_counter()
        print(f"\n== bench.{name}", flush=True)
        importlib.import_module(f"bench.{name}").run()
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
