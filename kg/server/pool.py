"""The thread pool queries run in (`State.run`), which stays at strength when queries run away.

pyoxigraph evaluates a query in Rust with the GIL released, but cannot cancel it: a cartesian
product may run for hours, and a SERVICE call to an address that never answers, for ever.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from typing import Any, Callable


class QueryPool:
    """`size` daemon worker threads running queries, which stay `size` strong when queries run away.

    Unlike ThreadPoolExecutor's, the threads are not joined at exit, so a query pyoxigraph cannot
    cancel never keeps a stopped server alive. When a request gives up on a running query
    (`abandon`), a new worker takes the stuck one's place, so runaway queries (or a SERVICE call
    that never returns) cannot starve the rest; the stuck thread ends when its query does. At most
    `max_stuck` threads are replaced (memory and CPU stay bounded); beyond that the pool shrinks
    until some finish, and new requests wait and time out with 503.
    """

    def __init__(self, size: int, max_stuck: int | None = None) -> None:
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self.max_stuck = 4 * size if max_stuck is None else max_stuck
        self.stuck = 0  # abandoned queries still running
        self._started = 0
        for _ in range(size):
            self._start()

    def _start(self) -> None:
        threading.Thread(target=self._work, name=f"kg-query-{self._started}", daemon=True).start()
        self._started += 1

    def submit(self, func: Callable[..., Any], *args: Any) -> Future:
        future: Future = Future()
        future.kg_state = "queued"  # queued -> running -> done, or abandoned (replaced or not)
        self._jobs.put((future, func, args))
        return future

    def abandon(self, future: Future) -> None:
        """The caller stopped waiting: drop a queued job, or replace the thread stuck running it."""
        with self._lock:
            if future.cancel() or future.kg_state != "running":
                return
            self.stuck += 1
            future.kg_state = "replaced" if self.stuck <= self.max_stuck else "abandoned"
            if future.kg_state == "replaced":
                self._start()

    def _work(self) -> None:
        while True:
            future, func, args = self._jobs.get()
            with self._lock:
                if not future.set_running_or_notify_cancel():  # cancelled (timed out) while queued
                    continue
                future.kg_state = "running"
            try:
                outcome, failed = func(*args), False
            except BaseException as exc:  # handed to the waiting request
                outcome, failed = exc, True
            with self._lock:
                state, future.kg_state = future.kg_state, "done"
                if state in ("replaced", "abandoned"):
                    self.stuck -= 1
            if failed:
                future.set_exception(outcome)
            else:
                future.set_result(outcome)
            del future, outcome, args
            if state == "replaced":
                return  # another worker took this one's place
