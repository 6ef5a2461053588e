"""The Chroma store: connecting (embedded or a server), one writer at a time across processes
on the embedded store, a client left stale by another process's writes, collection names and
their sizes. With rag/index.py and rag/documents_table.py, the only modules importing chromadb."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from rag.documents_table import DOCUMENTS_SUFFIX, all_collection_names
from rag.errors import BackendUnavailable, InvalidInput

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

# The number of chunks, recorded by the writer with each generation: Chroma's `count()` reads
# every id (1.6 s cold at 300k chunks), which no read or health check should pay.
COUNT_KEY = "rag_chunks"
_COUNT_EXACTLY_BELOW = 50_000


class StaleStore(Exception):
    """Another process wrote to the embedded store, and this process's Chroma client no longer
    matches what is on disk ("Error finding id"); reconnecting fixes it (see Pipeline)."""


_T = TypeVar("_T")


def reads(method: Callable[..., _T]) -> Callable[..., _T]:
    """Chroma's embedded client keeps state in memory that another process's writes make
    stale; its reads then fail with an InternalError, told apart here as StaleStore."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> _T:
        with stale():
            return method(*args, **kwargs)

    return wrapper


@contextlib.contextmanager
def stale() -> Iterator[None]:
    """Chroma's InternalError inside the block raised as StaleStore (see `reads`)."""
    from chromadb.errors import InternalError

    try:
        yield
    except InternalError as exc:
        raise StaleStore(str(exc)) from exc


def connect(data_dir: Path, url: str | None = None, *, fresh: bool = False) -> ClientAPI:
    """Open the Chroma server at `url`, or else the embedded store under `data_dir`; no telemetry.
    `fresh`: a new embedded client, not the one this process already has (whose state may be
    stale after another process wrote).

    Raises:
        BackendUnavailable: the server cannot be reached.
    """
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidInput(f"RAG_CHROMA_URL must look like http://HOST:PORT, not {url!r}.")
        try:
            return chromadb.HttpClient(
                host=parts.hostname,
                port=parts.port or (443 if parts.scheme == "https" else 8000),
                ssl=parts.scheme == "https",
                settings=settings,
            )
        except Exception as exc:
            raise BackendUnavailable(
                f"Cannot reach the Chroma server at {url} ({exc}). Start one with: "
                "chroma run --path DIR --host 127.0.0.1 --port PORT"
            ) from exc
    data_dir.mkdir(parents=True, exist_ok=True)
    if fresh:
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
    return chromadb.PersistentClient(path=str(data_dir / "chroma"), settings=settings)


@contextlib.contextmanager
def store_lock(data_dir: Path, url: str | None, *, shared: bool = False) -> Iterator[None]:
    """One writer at a time across processes on the embedded store (a CLI ingest beside the
    running app): the others wait; `shared`, a reader that waits for no writer to be at work.
    A Chroma server orders its writers itself."""
    if url:
        yield
        return
    import fcntl

    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / "write.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def next_write(data_dir: Path, last: str | None) -> tuple[str, bool]:
    """For a writer holding `store_lock` on the embedded store: a new write stamp, kept in the
    lock file, and whether anyone wrote since `last`, the stamp this process's previous write
    took. Each write takes a stamp before it changes anything, so a write cut short counts."""
    path = data_dir / "write.lock"
    seen = path.read_text().strip() if path.exists() else ""
    stamp = uuid.uuid4().hex
    path.write_text(stamp)
    return stamp, seen != last


_COLLECTION_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{1,510})[A-Za-z0-9]")


def check_collection_name(name: str) -> None:
    """Chroma's rules for a collection name, checked before Chroma sees it.

    Raises:
        InvalidInput: the name breaks them; the message says how.
    """
    if (
        not _COLLECTION_NAME.fullmatch(name)
        or ".." in name
        or re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", name)
        or len(name + DOCUMENTS_SUFFIX) > 512
    ):
        raise InvalidInput(
            f"{name[:80]!r} is not a valid collection name: use 3 to 500 letters, digits, dots, "
            "dashes or underscores, starting and ending with a letter or digit (no '..')."
        )
    if name.endswith(DOCUMENTS_SUFFIX):
        raise InvalidInput(
            f"{name[:80]!r} is not a valid collection name: names ending in "
            f"{DOCUMENTS_SUFFIX!r} are kept for the tables of documents."
        )


def collection_names(client: ClientAPI) -> list[str]:
    """The collections of chunks (not their documents tables)."""
    return [n for n in all_collection_names(client) if not n.endswith(DOCUMENTS_SUFFIX)]


def collection_sizes(client: ClientAPI) -> dict[str, int]:
    return {name: chunk_count(client.get_collection(name)) for name in collection_names(client)}


def counted(collection: Collection, recorded: object, delta: int) -> int:
    """The chunks a collection holds after a write: counted while that is cheap, else the count
    recorded before it plus what the write added and removed (Chroma's `count()` grows with
    the collection: 38 ms at 251k chunks embedded). Counting below the limit also mends a count
    left wrong by a writer killed before it recorded its own."""
    if isinstance(recorded, int) and recorded + delta > _COUNT_EXACTLY_BELOW:
        return recorded + delta
    return int(collection.count())


def chunk_count(collection: Collection) -> int:
    """How many chunks a collection holds: as its last writer recorded them, or counted when
    no writer of this version has (a collection made before it, or still empty)."""
    recorded = (collection.metadata or {}).get(COUNT_KEY)
    return recorded if isinstance(recorded, int) else int(collection.count())


def collection_exists(client: ClientAPI, name: str) -> bool:
    return name in collection_names(client)
