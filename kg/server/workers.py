"""`kg serve --workers N`: one read-only store served by N processes on one port.

Python runs one thread at a time, so one process answers from one core however many query
threads it has; N processes use N. pyoxigraph opens the same RocksDB read-only from several
processes (`Store.read_only`), so each worker makes its own app (store, query threads, answer
cache) and runs uvicorn on its own listening socket bound with SO_REUSEPORT, and the kernel
spreads new connections over them. Each worker's store reads the data as it was when that worker
opened it, as in one process.

The parent forks the workers before it opens anything (RocksDB's background threads would not
survive a fork), checks first that the port is free (SO_REUSEPORT would otherwise let a second
server share it silently), then only waits: SIGINT or SIGTERM stops every worker, and a worker that
exits on its own stops the rest, the parent exiting with its status. Workers die with the parent
(PR_SET_PDEATHSIG) even when it is killed outright. A server that accepts updates has one writer,
so it always runs in one process.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import sys
from collections.abc import Callable

from kg.errors import KgError


def default_workers() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def listening_socket(host: str, port: int, *, reuse_port: bool) -> socket.socket:
    """A TCP socket listening on host:port (SO_REUSEPORT when `reuse_port`, for the workers)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise KgError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                      hint="is another server using the port? pick another with --port") from None
    sock.listen(2048)
    return sock


def run_workers(count: int, host: str, port: int, serve_one: Callable[[socket.socket], None], banner: str) -> None:
    """Fork `count` workers, each calling `serve_one` with its own listening socket; print `banner`
    once they are started, then wait for them."""
    if not hasattr(socket, "SO_REUSEPORT"):  # pragma: no cover - not Linux or BSD
        raise KgError("--workers above 1 needs SO_REUSEPORT, which this system lacks", hint="use --workers 1")
    listening_socket(host, port, reuse_port=False).close()  # the port is free: no one shares it by accident
    children = [_fork(host, port, serve_one) for _ in range(count)]
    print(banner, flush=True)
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in children:
            _signal(pid, signal.SIGTERM)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    status = 0
    while children:
        pid, code = os.wait()
        if pid not in children:
            continue
        children.remove(pid)
        if not stopping:  # a worker ended by itself: the server is not whole any more
            status = os.waitstatus_to_exitcode(code) or 1
            stop(signal.SIGTERM, None)
    if status:
        print(f"error: a worker process stopped (exit status {status}); the server stopped with it.", file=sys.stderr)
        sys.exit(status)


def _fork(host: str, port: int, serve_one: Callable[[socket.socket], None]) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = 0
    try:
        _die_with_parent()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        serve_one(listening_socket(host, port, reuse_port=True))
    except KgError as exc:
        print(f"error: {exc}", file=sys.stderr)
        code = 1
    except KeyboardInterrupt:
        pass
    except SystemExit as exc:  # uvicorn's way of saying it could not start
        code = exc.code if isinstance(exc.code, int) else 1
    except Exception:  # noqa: BLE001 - a worker never returns into the parent's code
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _die_with_parent() -> None:
    """Ask Linux to send this worker SIGTERM when the parent dies (killed, not only stopped)."""
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass
