"""A small bounded background runner for the web app's slow work (ingesting an upload,
preparing a document page), so that no request ever waits on a parse.

A fixed number of worker threads (the bound on concurrent parses) take jobs from one queue
of bounded length, most urgent first; a job already queued or running under the same key is
not queued twice. A page asks ``state(key)`` to say 排队中/处理中.
"""

from __future__ import annotations

import atexit
import heapq
import itertools
import logging
import threading
import time
import weakref
from collections.abc import Callable

log = logging.getLogger(__name__)

URGENT, NORMAL = 0, 1  # a page someone is waiting for; a queued upload
_LIVE: weakref.WeakSet[Jobs] = weakref.WeakSet()


@atexit.register
def _stop_all() -> None:
    """At exit, drop queued jobs and let running ones finish (briefly), so no worker is cut
    off inside the database."""
    for jobs in list(_LIVE):
        jobs.stop()
    for jobs in list(_LIVE):
        jobs.wait_idle(10)


class Jobs:
    def __init__(self, workers: int = 1, max_queued: int = 200) -> None:
        self.workers = max(1, workers)
        self.max_queued = max_queued
        self._cond = threading.Condition()
        self._heap: list[tuple[int, int, str, Callable[[], None]]] = []
        self._queued: set[str] = set()
        self._running: set[str] = set()
        self._seq = itertools.count()
        self._threads: list[threading.Thread] = []
        self._stopped = False
        _LIVE.add(self)

    def submit(self, key: str, job: Callable[[], None], priority: int = NORMAL) -> bool:
        """Queue ``job`` unless one with this key is queued or running already. False when the
        queue is full (the caller answers 429)."""
        with self._cond:
            if key in self._queued or key in self._running:
                return True
            if len(self._heap) >= self.max_queued or self._stopped:
                return False
            heapq.heappush(self._heap, (priority, next(self._seq), key, job))
            self._queued.add(key)
            self._start_workers()
            self._cond.notify()
            return True

    def room(self) -> int:
        """How many more jobs the queue accepts now."""
        with self._cond:
            return max(0, self.max_queued - len(self._heap))

    def state(self, key: str) -> str | None:
        """"queued", "running" or None."""
        with self._cond:
            if key in self._running:
                return "running"
            return "queued" if key in self._queued else None

    def position(self, key: str) -> int:
        """How many jobs run or wait before this queued one (0 when it runs or is unknown)."""
        with self._cond:
            mine = next((e for e in self._heap if e[2] == key), None)
            if mine is None:
                return 0
            return len(self._running) + sum(1 for e in self._heap if e[:2] < mine[:2])

    def busy(self) -> int:
        with self._cond:
            return len(self._heap) + len(self._running)

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Block until nothing is queued or running (tests, shutdown); False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._heap or self._running:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    def stop(self) -> None:
        """No new jobs; queued ones are dropped, running ones finish."""
        with self._cond:
            self._stopped = True
            self._heap.clear()
            self._queued.clear()
            self._cond.notify_all()

    def _start_workers(self) -> None:
        while len(self._threads) < self.workers:
            t = threading.Thread(target=self._work, name=f"yusuan-job-{len(self._threads)}", daemon=True)
            self._threads.append(t)
            t.start()

    def _work(self) -> None:
        while True:
            with self._cond:
                while not self._heap and not self._stopped:
                    self._cond.wait()
                if self._stopped:
                    return
                _, _, key, job = heapq.heappop(self._heap)
                self._queued.discard(key)
                self._running.add(key)
            try:
                job()
            except Exception:  # a bug in a job must not kill the worker; it is logged for developers
                log.exception("background job %s failed", key)
            finally:
                with self._cond:
                    self._running.discard(key)
                    self._cond.notify_all()
