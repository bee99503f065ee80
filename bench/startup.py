"""Benchmark: how soon a command does its work.

Each measurement is a fresh `python -m wpmigrate` (interpreter start-up included), `--runs`
times; prints the median and the best:

* `wpmigrate --version` and `wpmigrate --help`, start to exit;
* `wpmigrate export URL archive`: start to the first TCP connection the export opens. A
  listening socket of this script stands in for the site and records when the connection
  arrives; the export is then stopped (the work after it is bench/rest.py's).

    python bench/startup.py
    python bench/startup.py --runs 15
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WPMIGRATE = [sys.executable, "-m", "wpmigrate"]


def until_exit(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def until_first_connection(folder: Path) -> float:
    with socket.create_server(("127.0.0.1", 0)) as server:
        url = f"http://127.0.0.1:{server.getsockname()[1]}/"
        argv = [*WPMIGRATE, "export", url, str(folder / "first.db"), "--quiet"]
        started = time.perf_counter()
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        connection, _ = server.accept()
        took = time.perf_counter() - started
        connection.close()
        process.kill()
        process.wait()
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="runs of each measurement")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wpmigrate-startup-") as tmp:
        measures = {
            "wpmigrate --version": lambda: until_exit([*WPMIGRATE, "--version"]),
            "wpmigrate --help": lambda: until_exit([*WPMIGRATE, "--help"]),
            "export URL: first connection": lambda: until_first_connection(Path(tmp)),
        }
        print(f"{'command':<32} {'median s':>9} {'best s':>8}")
        for name, measure in measures.items():
            times = [measure() for _ in range(args.runs)]
            print(f"{name:<32} {statistics.median(times):>9.3f} {min(times):>8.3f}")


if __name__ == "__main__":
    main()
