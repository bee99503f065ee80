"""Write batches on a background thread while the next batch is read and cleaned.

SQLite does its work (B-tree inserts, index updates, the full-text index) with the GIL
released, so a second thread that only writes lets that work run on another core while the
main thread parses and cleans. Batches are written one at a time, in the order they were
handed over, exactly as they would be written inline: the archive is the same to the byte.

At most one batch waits while another is written, so memory stays bounded. The main thread
must not touch the archive until `close()` has returned: the connection is the writer's
while it runs.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

Batch = TypeVar("Batch")

_DONE = object()


class BatchWriter(Generic[Batch]):
    """Hands batches to `write` on one background thread; use as a context manager.

    A failure in `write` is raised in the main thread by the next `put()` or by `close()`;
    batches handed over after it are dropped. Leaving the block on an exception still waits
    for the batches already handed over (each is whole: a site's batch carries the
    checkpoints a re-run resumes from), then lets the exception go on.
    """

    def __init__(self, write: Callable[[Batch], None]):
        self._write = write
        self._queue: queue.Queue[object] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None  # the writer's failure; it writes no more
        self._reported = False
        # Started with the first batch: a source may fork a reader before that, which is
        # only safe while the process has one thread.
        self._thread = threading.Thread(target=self._run, name="wpmigrate-writer", daemon=True)

    def put(self, batch: Batch) -> None:
        self._raise_failure()
        if not self._thread.is_alive():
            self._thread.start()
        self._queue.put(batch)

    def close(self) -> None:
        """Wait until every batch is written; raise the writer's failure, if any."""
        if self._thread.is_alive():
            self._queue.put(_DONE)
            _join(self._thread)
        self._raise_failure()

    def __enter__(self) -> BatchWriter[Batch]:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None:
            self.close()
            return
        # The main thread failed: finish what was handed over, and let its error go on.
        if self._thread.is_alive():
            self._queue.put(_DONE)
            _join(self._thread)

    def _run(self) -> None:
        while (batch := self._queue.get()) is not _DONE:
            if self._error is not None:
                continue  # drain: the main thread hears of the failure
            try:
                self._write(batch)  # type: ignore[arg-type]
            except BaseException as exc:  # handed to the main thread
                self._error = exc

    def _raise_failure(self) -> None:
        if self._error is not None and not self._reported:
            self._reported = True
            raise self._error


def _join(thread: threading.Thread) -> None:
    """Wait for the thread; a Ctrl-C meanwhile does not leave it writing behind our back
    (a batch takes a fraction of a second), so it is held until the thread is done."""
    interrupted = False
    while thread.is_alive():
        try:
            thread.join(0.1)
        except KeyboardInterrupt:
            interrupted = True
    if interrupted:
        raise KeyboardInterrupt
