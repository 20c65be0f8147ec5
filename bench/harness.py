"""Reusable benchmark pieces: gunicorn servers, wrk runs, medians, scratch databases, tables.

Benchmarks compare an endpoint with a bare one in the same run on the same noisy machine, so
everything here is about serving both the same way (gunicorn, sync workers, loopback) and
measuring both the same way (wrk, several rounds, medians). Importing it puts the project on
`sys.path` (the project is not installed in its venv), so bench modules can import `app`.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
HOST = "127.0.0.1"
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PREPARED_SCRIPT = Path(__file__).with_name("prepared_requests.lua")
# The real feedback data sets beside the repository (see its README).
SHARED_DATA = ROOT.parent / "shared" / "data"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def free_port() -> int:
    """A port nothing listens on now, so parallel runs do not collide."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(
    target: str,
    env: Mapping[str, str],
    *,
    workers: int = 2,
    ready_path: str = "/",
    timeout: float = 30.0,
    log: Path | None = None,
) -> Iterator[str]:
    """Serve `module:app` with sync workers; yields the base URL; always stops the server.

    The server gets its own process group, so stopping it also stops its workers even if the
    master dies first. With `log`, its output (tracebacks included) goes to that file instead
    of this process's.
    """
    port = free_port()
    command = [
        str(VENV_BIN / "gunicorn"),
        "--no-control-socket",
        "--workers",
        str(workers),
        "--bind",
        f"{HOST}:{port}",
        "--log-level",
        "warning",
        target,
    ]
    with ExitStack() as stack:
        output = stack.enter_context(log.open("ab")) if log else None
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=output,
            stderr=output,
            start_new_session=True,
        )
        base_url = f"http://{HOST}:{port}"
        try:
            wait_until_serving(base_url + ready_path, process, timeout)
            yield base_url
        finally:
            stop_process_group(process)


def wait_until_serving(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    """Poll until the server answers anything at all (a 404 is an answer), or fail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before serving {url}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not answer {url} within {timeout:.0f} s")


def stop_process_group(process: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    """SIGTERM the group we started (gunicorn shuts down gracefully), SIGKILL if it lingers."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@dataclass(frozen=True)
class WrkResult:
    """One wrk run; `failures` counts non-2xx/3xx responses plus socket errors.

    With prepared requests, `lines_used` is how far into the file the run went and
    `threads_exhausted` how many wrk threads ran out of lines (their extra requests failed).
    """

    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    failures: int
    output: str
    lines_used: int = 0
    threads_exhausted: int = 0


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise RuntimeError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNIT_MS[match.group(2)]


def parse_wrk(output: str) -> WrkResult:
    """Read wrk's --latency report; missing failure lines mean zero."""

    def find(pattern: str) -> re.Match[str] | None:
        return re.search(pattern, output, re.MULTILINE)

    rate, p50, p99, total = (
        find(r"^Requests/sec:\s+([\d.]+)"),
        find(r"^\s+50%\s+(\S+)"),
        find(r"^\s+99%\s+(\S+)"),
        find(r"^\s+(\d+) requests in"),
    )
    if not (rate and p50 and p99 and total):
        raise RuntimeError(f"could not read wrk's report:\n{output}")
    non_2xx = find(r"^\s+Non-2xx or 3xx responses:\s+(\d+)")
    sockets = find(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
    failures = int(non_2xx.group(1)) if non_2xx else 0
    failures += sum(int(n) for n in sockets.groups()) if sockets else 0
    prepared = find(r"^prepared lines: used up to (\d+), threads exhausted (\d+)")
    return WrkResult(
        requests_per_s=float(rate.group(1)),
        p50_ms=_ms(p50.group(1)),
        p99_ms=_ms(p99.group(1)),
        requests=int(total.group(1)),
        failures=failures,
        output=output,
        lines_used=int(prepared.group(1)) if prepared else 0,
        threads_exhausted=int(prepared.group(2)) if prepared else 0,
    )


def run_wrk(
    url: str,
    *,
    seconds: float,
    threads: int = 2,
    connections: int = 8,
    script: Path | None = None,
    script_args: Sequence[str] = (),
) -> WrkResult:
    """One wrk run with latency percentiles; `script_args` reach the Lua script's init()."""
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds:g}s",
        "--timeout",
        "10s",
        "--latency",
    ]
    if script is not None:
        command += ["-s", str(script)]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return parse_wrk(done.stdout)


@dataclass(frozen=True)
class Prepared:
    """One request for prepared_requests.lua; no field may hold a tab or a newline."""

    method: str
    path: str
    body: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)

    def line(self) -> str:
        headers = [f"{name}: {value}" for name, value in self.headers.items()]
        fields = [self.method, self.path, self.body, *headers]
        if any("\t" in f or "\n" in f for f in fields):
            raise ValueError(f"tab or newline in a prepared request: {self.path}")
        return "\t".join(fields)


def write_prepared(path: Path, requests: Iterable[Prepared]) -> None:
    path.write_text("".join(request.line() + "\n" for request in requests), encoding="utf-8")


def run_prepared(
    url: str, lines: Path, *, once: bool, seconds: float, threads: int = 2, connections: int = 8
) -> WrkResult:
    """wrk over a file of prepared requests: `once` for single-use ones, else cycling."""
    return run_wrk(
        url,
        seconds=seconds,
        threads=threads,
        connections=connections,
        script=PREPARED_SCRIPT,
        script_args=[str(lines), str(threads), "once" if once else "cycle"],
    )


@dataclass(frozen=True)
class Summary:
    """Rounds of one endpoint: medians of rate and latencies, failures added up."""

    requests_per_s: float
    p50_ms: float
    p99_ms: float
    failures: int


def summarise(results: Sequence[WrkResult]) -> Summary:
    return Summary(
        requests_per_s=statistics.median(r.requests_per_s for r in results),
        p50_ms=statistics.median(r.p50_ms for r in results),
        p99_ms=statistics.median(r.p99_ms for r in results),
        failures=sum(r.failures for r in results),
    )


def recreate_postgres(name: str, admin_url: str = PG_ADMIN_URL) -> str:
    """An empty database `name` (dropped first if a past run left it); its URL."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(f"not a plain database name: {name!r}")
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(sa.text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name


@contextmanager
def scratch_postgres(name: str, admin_url: str = PG_ADMIN_URL) -> Iterator[str]:
    """A fresh database `name`, dropped afterwards."""
    url = recreate_postgres(name, admin_url)
    try:
        yield url
    finally:
        engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        engine.dispose()


def progress(label: str, done: int, total: int) -> None:
    """A progress counter on stderr, so stdout keeps only the figures; one line on a terminal."""
    text = f"  {label}: {done}/{total}"
    if sys.stderr.isatty():
        print("\r" + text, end="\n" if done >= total else "", file=sys.stderr, flush=True)
    else:
        print(text, file=sys.stderr, flush=True)


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A plain aligned table: text columns left, numbers right."""
    cells = [[str(h) for h in headers], *[[_cell(v) for v in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [any(isinstance(row[i], int | float) for row in rows) for i in range(len(headers))]
    for n, row in enumerate(cells):
        print(
            "  ".join(
                cell.rjust(width) if right else cell.ljust(width)
                for cell, width, right in zip(row, widths, numeric, strict=True)
            ).rstrip()
        )
        if n == 0:
            print("  ".join("-" * width for width in widths))


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.0f}" if value >= 100 else f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
