"""`kg serve --workers N`: one read-only store served by N real processes on one port; they stop
together, die with their parent, and refuse what cannot work (a writable store in several
processes, a port in use, a store that is not there), each in one sentence."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.sparql_protocol_runner import LABELS, ROOT, ServerProcess, free_port

KG = [sys.executable, "-c", "from kg.cli import main; main()", "serve"]


def _children(pid: int) -> list[int]:
    return [int(child) for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text().split()]


def _gone(pids: list[int], seconds: float = 30.0) -> bool:
    """Whether the processes have all ended within `seconds` (waiting for an event, not timing it)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not [pid for pid in pids if Path(f"/proc/{pid}").exists()
                and "zombie" not in Path(f"/proc/{pid}/status").read_text()]:
            return True
        time.sleep(0.05)
    return False


@pytest.fixture(scope="module")
def server(seed_store_path):
    with ServerProcess(seed_store_path, "--workers", "2", "--cache-mb", "0") as running:
        yield running


def test_two_workers_answer_on_one_port(server):
    assert len(_children(server.process.pid)) == 2
    assert "read-only, 2 workers" in server.output()
    for _ in range(20):  # fresh connections, spread by the kernel over the workers
        with httpx.Client(base_url=server.url, timeout=30) as http:
            response = http.get("sparql", params={"query": LABELS}, headers={"Accept": "text/csv"})
            assert response.status_code == 200 and "엔비디아" in response.text


def test_workers_stop_with_sigint_and_die_with_a_killed_parent(seed_store_path):
    with ServerProcess(seed_store_path, "--workers", "2") as running:
        workers = _children(running.process.pid)
        os.kill(running.process.pid, signal.SIGINT)
        assert running.process.wait(30) == 0 and _gone(workers)
    with ServerProcess(seed_store_path, "--workers", "2") as running:
        workers = _children(running.process.pid)
        os.kill(running.process.pid, signal.SIGKILL)
        running.process.wait(30)
        assert _gone(workers), "the workers outlived their parent"


@pytest.mark.parametrize("args, said", [
    (["--workers", "2", "--allow-update", "--token", "t"], "a server that accepts updates runs in one process"),
    (["--workers", "0"], "--workers must be at least 1"),
])
def test_impossible_worker_settings_are_refused(seed_store_path, args, said):
    done = subprocess.run([*KG, "--store", str(seed_store_path), "--port", str(free_port()), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1 and said in done.stderr and "Traceback" not in done.stderr


def test_a_port_in_use_and_a_missing_store_say_so(server, tmp_path):
    busy = subprocess.run([*KG, "--store", str(tmp_path), "--port", str(server.port), "--workers", "2"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=False)
    assert busy.returncode == 1 and f"cannot listen on 127.0.0.1:{server.port}" in busy.stderr
    missing = subprocess.run([*KG, "--store", str(tmp_path / "nothing"), "--port", str(free_port()), "--workers", "2"],
                             cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert missing.returncode == 1 and "no store here" in missing.stderr and "Traceback" not in missing.stderr
