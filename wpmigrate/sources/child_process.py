"""Read a source in a child process, so that reading and writing use two cores.

Reading a WXR file (parsing it, building records) is Python work that holds the GIL;
decoding, rendering, cleaning and writing are too. A forked child reads and sends its
records, pickled in chunks, down a pipe; the parent does the rest as they come. The
records arrive in the order the source yields them, so the archive is the same to the
byte as when read in one process.

Only where `fork` is safe and cheap (Linux): elsewhere the source is read in-process. The
child is started before the parent has any other thread, and it leaves with `os._exit`, so
it never runs the parent's clean-up (the archive connection, the lock file).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

from ..errors import SourceError

CHUNK = 256  # records a message: few enough to keep the parent busy from the start


def can_fork() -> bool:
    return sys.platform == "linux" and threading.active_count() == 1


def records_in_child(
    produce: Callable[[], Iterator[Any]],
    *,
    snapshot: Callable[[], Any],
    restore: Callable[[Any], None],
) -> Iterator[Any]:
    """Yield what `produce()` yields, produced in a forked child.

    With each chunk the child sends `snapshot()` of the source (how far it has read, what
    it skipped, its warnings), which the parent hands to `restore()`: the parent's copy of
    the source shows what the child's knows. An exception in the child is raised here;
    leaving this generator early stops the child.
    """
    sys.stdout.flush()  # the child must not inherit, and print again, what is still buffered
    sys.stderr.flush()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_produce,
        args=(receiver, sender, produce, snapshot),
        name="wpmigrate-reader",
        daemon=True,
    )
    child.start()
    sender.close()
    try:
        while True:
            try:
                records, error, state, last = pickle.loads(receiver.recv_bytes())
            except EOFError:
                child.join()
                raise SourceError(
                    f"the reading process stopped without a word (exit code {child.exitcode})"
                ) from None
            restore(state)
            yield from records
            if error is not None:
                raise error
            if last:
                return
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()


def _produce(
    receiver: Any,
    sender: Any,
    produce: Callable[[], Iterator[Any]],
    snapshot: Callable[[], Any],
) -> None:
    """The child: read, send, and leave without running the parent's clean-up.

    A message is (records, error, snapshot, last); the records read before a failure are
    sent with it, as an in-process reader would have yielded them before raising. The
    child closes its copy of the pipe's reading end first: should the parent die (even
    killed with SIGKILL), the child's next message then fails, and it leaves."""
    receiver.close()
    code = 0
    chunk: list[Any] = []
    try:
        for record in produce():
            chunk.append(record)
            if len(chunk) >= CHUNK:
                _send(sender, (chunk, None, snapshot(), False))
                chunk = []
        _send(sender, (chunk, None, snapshot(), True))
    except KeyboardInterrupt:
        code = 1  # the parent was interrupted too, and says so
    except BrokenPipeError:
        code = 1  # the parent stopped reading: it is failing or done
    except BaseException as exc:  # the parent raises it
        try:
            _send(sender, (chunk, exc, snapshot(), True))
        except Exception:  # unpicklable: the parent gets its message
            error = RuntimeError(f"{type(exc).__name__}: {exc}")
            _send(sender, (chunk, error, snapshot(), True))
    finally:
        sender.close()
        os._exit(code)


def _send(sender: Any, message: tuple[list[Any], BaseException | None, Any, bool]) -> None:
    sender.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
