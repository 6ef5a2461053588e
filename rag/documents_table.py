"""A collection's chunks -> one record per document: the documents table, a companion Chroma
collection named NAME.documents with each document's metadata, version and chunk count. Listing
the documents, or syncing one file, then reads a record per document instead of every chunk's
metadata, sentence vectors included; being a Chroma collection, it is shared by every process
and host that shares the store. A store from before the table is read from its chunks until a
writer builds it."""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, overload

from rag.schema import DocumentInfo

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

DOCUMENTS_SUFFIX = ".documents"
# Set on the table once it holds every document of the collection with this id; until then
# (a store from before the table, a write cut short while building it) readers scan the chunks.
_TABLE_OF = "rag_documents_table_of"
# Set once every record carries its content hash as metadata, which a sync of a few files looks
# up with a `where` instead of reading every record (tables from before it are upgraded once).
_HASHED = "rag_documents_hashed"
_RECORD_KEYS = ("title", "source", "author", "published_at", "url", "created_at", "origin")
PAGE = 5000  # records per Chroma call (within its largest batch)


def all_collection_names(client: ClientAPI) -> list[str]:
    """Every collection in the store, documents tables included."""
    return sorted(c if isinstance(c, str) else c.name for c in client.list_collections())


@dataclass
class StoredDocument:
    """A document as stored: chunks per content hash, how many each version should have."""

    origin: str
    chunks: dict[str, int] = field(default_factory=dict)
    expected: dict[str, int] = field(default_factory=dict)

    def is_whole(self, doc_hash: str) -> bool:
        """True when exactly this version is stored, with all its chunks."""
        return set(self.chunks) == {doc_hash} and self.chunks[doc_hash] == self.expected[doc_hash]


class DocumentsTable:
    """The documents table of one collection of chunks (`chunks`). Readers use it once it is
    whole and fall back to the chunks before; writers build it (`ensure`) under the store's
    write lock."""

    def __init__(self, client: ClientAPI, chunks: Collection) -> None:
        self._client, self._chunks = client, chunks
        self._name = chunks.name + DOCUMENTS_SUFFIX
        self._table: Collection | None = None  # once known to be whole

    def _ready(self) -> Collection | None:
        """The table if it is whole for this collection, else None."""
        if self._table is None and self._name in all_collection_names(self._client):
            table = self._client.get_collection(self._name)
            if (table.metadata or {}).get(_TABLE_OF) == str(self._chunks.id):
                self._table = table
        return self._table

    def _ensure(self) -> Collection:
        """The table, built from one scan of the chunks when missing or not whole."""
        table = self._ready()
        if table is not None:
            if not (table.metadata or {}).get(_HASHED):
                records = {str(r["doc_id"]): r for r in _records(table)}
                _put_records(table, records)
                table.modify(metadata={_TABLE_OF: str(self._chunks.id), _HASHED: "1"})
            return table
        if self._name in all_collection_names(self._client):
            self._client.delete_collection(self._name)
        table = self._client.create_collection(name=self._name)
        scanned = self._scanned().items()
        _put_records(table, {doc_id: _record(first, doc) for doc_id, (first, doc) in scanned})
        table.modify(metadata={_TABLE_OF: str(self._chunks.id), _HASHED: "1"})
        self._table = table
        return table

    def stored(self, doc_ids: Iterable[str] | None = None) -> dict[str, StoredDocument]:
        """What is stored of every document (of `doc_ids`, if given): its versions' hashes and
        whether each is whole. Builds the table first if there is none (only writers ask)."""
        ids = None if doc_ids is None else sorted(set(doc_ids))
        return {
            str(r["doc_id"]): StoredDocument(
                origin=str(r.get("origin", "")),
                chunks={str(r["doc_hash"]): int(r["chunks"])},
                expected={str(r["doc_hash"]): int(r["doc_chunks"])},
            )
            for r in _records(self._ensure(), ids)
        }

    def holder(self, doc_hash: str) -> str | None:
        """A document stored whole with this content hash, if any (only writers ask)."""
        found = self._ensure().get(where={"doc_hash": doc_hash}, limit=1, include=[])
        return str(found["ids"][0]) if found["ids"] else None

    def put(self, doc_id: str, metadata: Mapping[str, Any], stored: StoredDocument) -> None:
        """Write a document's record from one of its chunks' metadata and what is stored of it
        (an unfinished record, with no version, when `stored` has no chunks)."""
        _put_records(self._ensure(), {doc_id: _record(metadata, stored)})

    def delete(self, doc_id: str) -> None:
        self._ensure().delete(ids=[doc_id])

    @overload
    def listed(self) -> list[DocumentInfo]: ...

    @overload
    def listed(self, doc_ids: Iterable[str]) -> list[DocumentInfo] | None: ...

    def listed(self, doc_ids: Iterable[str] | None = None) -> list[DocumentInfo] | None:
        """Every document (of `doc_ids`, if given: those still there) with its metadata and
        chunk count, by id. None for `doc_ids` when there is no table to read them from."""
        ids = None if doc_ids is None else sorted(set(doc_ids))
        table = self._ready()
        if ids == []:
            return []
        if table is not None:
            records = list(_records(table, ids))
        elif ids is not None:
            return None
        else:  # a store from before the documents table, until its next write builds one
            records = [_record(m, doc) for m, doc in self._scanned().values()]
        return sorted(
            (
                DocumentInfo(
                    doc_id=str(r["doc_id"]),
                    title=str(r.get("title") or r["doc_id"]),
                    source=r.get("source") or None,
                    published_at=r.get("published_at") or None,
                    url=r.get("url") or None,
                    created_at=r.get("created_at") or None,
                    author=r.get("author") or None,
                    chars=r.get("doc_chars") or None,
                    indexed_at=r.get("indexed_at") or None,
                    chunks=int(r["chunks"]),
                )
                for r in records
            ),
            key=lambda d: d.doc_id,
        )

    def origin(self, doc_id: str) -> str | None:
        """Where a document was ingested from; None when it is not in the collection."""
        table = self._ready()
        found: list[Mapping[str, Any]]
        if table is not None:
            found = list(_records(table, [doc_id]))
        else:
            page = self._chunks.get(where={"doc_id": doc_id}, limit=1, include=["metadatas"])
            found = list(page["metadatas"] or [])
        return str(found[0].get("origin", "")) if found else None

    def present(self, doc_ids: frozenset[str]) -> frozenset[str]:
        """Which of these document ids have chunks in the collection."""
        if not doc_ids:
            return frozenset()
        table = self._ready()
        if table is not None:
            return frozenset(table.get(ids=sorted(doc_ids), include=[])["ids"])
        where = {"doc_id": {"$in": sorted(doc_ids)}}
        found = self._chunks.get(where=where, include=["metadatas"])  # type: ignore[arg-type]
        return frozenset(str(m["doc_id"]) for m in found["metadatas"] or [])

    def _scanned(self) -> dict[str, tuple[Mapping[str, Any], StoredDocument]]:
        """Every document's first chunk metadata and what is stored of it, read from all the
        chunks' metadata: what the table saves."""
        found: dict[str, tuple[Mapping[str, Any], StoredDocument]] = {}
        for m in _read_all(self._chunks, "metadatas", release=True):
            _, doc = found.setdefault(
                str(m["doc_id"]), (m, StoredDocument(origin=str(m.get("origin", ""))))
            )
            doc_hash = str(m["doc_hash"])
            doc.chunks[doc_hash] = doc.chunks.get(doc_hash, 0) + 1
            doc.expected[doc_hash] = int(m.get("doc_chunks", 0))
        return found


def _records(table: Collection, ids: list[str] | None = None) -> Iterator[dict[str, Any]]:
    """The table's records (those of `ids`, if given)."""
    documents: Iterable[str | None]
    if ids is not None:
        documents = table.get(ids=ids, include=["documents"])["documents"] or []
    else:
        documents = _read_all(table, "documents")
    return (json.loads(d or "{}") for d in documents)


def _read_all(collection: Collection, field: str, *, release: bool = False) -> Iterator[Any]:
    """One field ("metadatas", "documents") of every record, a page at a time; with `release`,
    each page is freed before the next (`release_pages`: worth its 0.1 s for a page of chunks'
    metadata, not for the table's small records)."""
    offset = 0
    while True:
        page = collection.get(include=[field], limit=PAGE, offset=offset)  # type: ignore[list-item]
        values = page[field] or []  # type: ignore[literal-required]
        yield from values
        if len(values) < PAGE:
            return
        offset += PAGE
        if release:
            del page, values
            release_pages()


def release_pages() -> None:
    """Free the pages read so far. Chroma's client leaves each page it returns in reference
    cycles, which only Python's full collection frees, and a page of a few thousand large
    strings is too few objects to start one: reading a million chunks' texts and metadata
    grew by 110 MB a page (a first start at 1M was killed at 17 GB); with this it stays at
    0.2 GB."""
    gc.collect()


def _record(metadata: Mapping[str, Any], stored: StoredDocument) -> dict[str, str | int]:
    """A document's row in the table, from one of its chunks' metadata. A document stored in
    more than one version, or with chunks missing, gets no version: a sync then writes it
    again."""
    whole = [h for h in stored.chunks if stored.is_whole(h)]
    record: dict[str, str | int] = {
        "doc_id": str(metadata["doc_id"]),
        "doc_hash": whole[0] if whole else "",
        "chunks": sum(stored.chunks.values()),
        "doc_chunks": stored.expected[whole[0]] if whole else -1,
        "doc_chars": int(metadata.get("doc_chars") or 0),
        "indexed_at": str(metadata.get("indexed_at") or ""),
    }
    for key in _RECORD_KEYS:
        if metadata.get(key):
            record[key] = str(metadata[key])
    return record


def _put_records(table: Collection, records: Mapping[str, dict[str, str | int]]) -> None:
    """Store records, each as JSON in the record's document: Chroma reads those back several
    times faster than metadata (3,200 records: 44 against 250 ms). Only the content hash is
    metadata too, to be found by a `where`. Chroma wants a vector for each: one number from the
    id (distinct numbers, as its graph index handles many equal vectors badly)."""
    ids = sorted(records)
    for at in range(0, len(ids), PAGE):
        batch = ids[at : at + PAGE]
        table.upsert(
            ids=batch,
            embeddings=[[_place(i)] for i in batch],  # type: ignore[arg-type]
            documents=[json.dumps(records[i]) for i in batch],
            metadatas=[{"doc_hash": str(records[i]["doc_hash"]) or "-"} for i in batch],
        )


def _place(doc_id: str) -> float:
    return int.from_bytes(hashlib.blake2b(doc_id.encode(), digest_size=4).digest()) / 2**32
