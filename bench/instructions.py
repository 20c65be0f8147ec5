"""Instructions one request costs, counted by callgrind: repeatable where timings are not.

On this 2-core machine the CPU time of identical runs moved by 30 %, so a 3 % saving cannot
be seen in req/s; callgrind's count of executed instructions repeats to about 0.1 %. Each
scenario's data is prepared first, then a child process runs under
`valgrind --tool=callgrind` with counting off: it builds the app, sends warm-up requests
through Flask's test client, and counts only the measured ones (a small C extension, compiled
here with gcc, switches counting on and off). Figures include the test client (~0.4M per
request) and exclude gunicorn and the kernel; compare scenarios and commits, not req/s.
Needs valgrind with its headers and gcc (both on the machine's image).

    .venv/bin/python bench/instructions.py                       # every scenario, SQLite
    .venv/bin/python bench/instructions.py --db postgresql event submit
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import harness
from events_throughput import seed_api_key, seed_customers, seeded_customer
from seed import bench_app, dispose_app, load_comments, seed_links, seed_touchpoint
from survey_throughput import CSRF_INPUT, bare_writes, database, detractor_answer, migrate

SECRET_KEY = "bench-only-secret"
BASE_URL = "http://bench.invalid"
SCENARIOS = ("event", "submit", "bare-write", "bare-read")
WARM_UP = 30
SEEDED_CUSTOMERS = 100
CONTROL_SOURCE = r"""
#include <Python.h>
#include <valgrind/callgrind.h>
static PyObject *start(PyObject *m, PyObject *a) {
    CALLGRIND_ZERO_STATS; CALLGRIND_START_INSTRUMENTATION; Py_RETURN_NONE;
}
static PyObject *stop(PyObject *m, PyObject *a) {
    CALLGRIND_STOP_INSTRUMENTATION; CALLGRIND_DUMP_STATS; Py_RETURN_NONE;
}
static PyMethodDef methods[] = {
    {"start", start, METH_NOARGS, ""}, {"stop", stop, METH_NOARGS, ""}, {NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "counting", NULL, -1, methods};
PyMODINIT_FUNC PyInit_counting(void) { return PyModule_Create(&module); }
"""
COLLECTED = re.compile(r"Collected : (\d+)")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        run_child(args)
        return 0
    with tempfile.TemporaryDirectory(prefix="touchloop-instructions-") as folder:
        work = Path(folder)
        build_control(work)
        rows = []
        for scenario in args.scenarios:
            print(f"== {scenario}", file=sys.stderr)
            with prepared(scenario, args, work) as setup:
                count = count_instructions(scenario, args, work, setup)
            rows.append([scenario, args.db, args.requests, f"{count / args.requests:,.0f}"])
    harness.print_table(["scenario", "db", "requests", "instructions a request"], rows)
    return 0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="*", help=f"any of {', '.join(SCENARIOS)} (all)")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--requests", type=int, default=200, help="counted, after warm-up")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # the JSON setup, under valgrind
    args = parser.parse_args(argv)
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenario {', '.join(sorted(unknown))}; choose from {SCENARIOS}")
    args.scenarios = args.scenarios or list(SCENARIOS)
    return args


def build_control(work: Path) -> None:
    source = work / "counting.c"
    source.write_text(CONTROL_SOURCE)
    target = work / f"counting{sysconfig.get_config_var('EXT_SUFFIX')}"
    include = sysconfig.get_paths()["include"]
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-O2", f"-I{include}", str(source), "-o", str(target)],
        check=True,
    )


@contextmanager
def prepared(scenario: str, args: argparse.Namespace, work: Path) -> Iterator[dict[str, Any]]:
    """A new database with what the scenario needs; the child's setup as a dict."""
    name = "touchloop_bench_instructions_" + scenario.replace("-", "_")
    with database(args.db, name, work) as url:
        setup: dict[str, Any] = {"url": url}
        if scenario.startswith("bare"):  # the bare app makes its own table
            yield setup
            return
        migrate(url)
        app = bench_app(url, SECRET_KEY, BASE_URL)
        seed_touchpoint(app)
        if scenario == "event":
            setup["key"] = seed_api_key(app)
            seed_customers(app, SEEDED_CUSTOMERS)
        else:
            setup["links"] = seed_links(app, WARM_UP + args.requests, first=0)
        dispose_app(app)
        yield setup


def count_instructions(
    scenario: str, args: argparse.Namespace, work: Path, setup: dict[str, Any]
) -> int:
    child = {**setup, "scenario": scenario, "requests": args.requests, "work": str(work)}
    command = [
        "valgrind",
        "--tool=callgrind",
        "--instr-atstart=no",
        f"--callgrind-out-file={work / 'callgrind.out'}",
        sys.executable,
        __file__,
        "--child",
        json.dumps(child),
    ]
    done = subprocess.run(command, capture_output=True, text=True, cwd=harness.ROOT)
    found = COLLECTED.search(done.stderr)
    if done.returncode or found is None:
        raise RuntimeError(f"the counted run failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return int(found.group(1))


def run_child(args: argparse.Namespace) -> None:
    """Under callgrind: warm up, then count `requests` requests of the scenario."""
    setup = json.loads(args.child)
    sys.path.insert(0, setup["work"])
    import counting

    send = requests_for(setup)
    for number in range(WARM_UP):
        status = send(number)
        if status >= 300:
            raise RuntimeError(f"warm-up request {number} answered {status}")
    counting.start()
    for number in range(WARM_UP, WARM_UP + setup["requests"]):
        send(number)
    counting.stop()


def requests_for(setup: dict[str, Any]) -> Any:
    """A function sending request number n of the scenario; it returns the status code."""
    scenario = setup["scenario"]
    if scenario.startswith("bare"):
        os.environ["DATABASE_URL"] = setup["url"]
        from bare_app import app as bare  # it reads DATABASE_URL when imported

        client = bare.test_client()
        if scenario == "bare-read":
            return lambda n: client.get("/read").status_code
        writes = bare_writes(random.Random(1))
        return lambda n: client.post(
            "/write", data=writes[n % len(writes)].body, headers=dict(writes[0].headers)
        ).status_code
    client = bench_app(setup["url"], SECRET_KEY, BASE_URL).test_client()
    if scenario == "event":
        headers = {"Authorization": f"Bearer {setup['key']}"}
        return lambda n: client.post(
            "/api/v1/events", data=event_body(n), headers=headers, content_type="application/json"
        ).status_code
    return submitter(client, setup["links"])


def event_body(number: int) -> str:
    """A new event from one of the customers seeded, with the details they were seeded with."""
    customer = seeded_customer(1 + number % SEEDED_CUSTOMERS)
    return json.dumps(
        {
            "event_id": f"instructions-{number}",
            "touchpoint": "branch_visit",
            "customer": {
                "external_id": customer.external_id,
                "email": customer.email,
                "name": customer.name,
                "locale": customer.locale.replace("_", "-"),
                "segment": customer.segment,
                "timezone": customer.timezone,
            },
            "occurred_at": "2030-01-01T08:00:00+08:00",
            "attributes": {"branch": "Central"},
        }
    )


def submitter(client: Any, links: list[str]) -> Any:
    """Each link opened first (uncounted), as a browser would, then answered once."""
    comments, rng = load_comments(), random.Random(1)
    bodies = []
    for path in links:
        page = client.get(path).get_data(as_text=True)
        bodies.append(detractor_answer(CSRF_INPUT.search(page).group(1), comments, rng))
    form = "application/x-www-form-urlencoded"
    return lambda n: client.post(links[n], data=bodies[n], content_type=form).status_code


if __name__ == "__main__":
    sys.exit(main())
