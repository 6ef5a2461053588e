"""Chunks <-> a Chroma collection: written with their sentences' vectors, read back by page, by
document or by id; the collection remembers how it was built and what was written since."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import functools
import json
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from rag.documents_table import (
    DOCUMENTS_SUFFIX,
    PAGE,
    DocumentsTable,
    StoredDocument,
    all_collection_names,
    release_pages,
)
from rag.errors import CollectionNotFound, IndexMismatch, InvalidInput
from rag.schema import Chunk, Document, DocumentInfo
from rag.store import (
    COUNT_KEY,
    check_collection_name,
    chunk_count,
    collection_exists,
    counted,
    reads,
    stale,
)

if TYPE_CHECKING:
    import numpy as np
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection
    from llama_index.core.schema import NodeWithScore
    from llama_index.vector_stores.chroma import ChromaVectorStore

# Chroma's default HNSW settings miss true nearest neighbours on a few hundred chunks; these
# made it exact on 300 random queries for a small cost in query time.
_HNSW = {"space": "cosine", "ef_search": 400, "ef_construction": 400, "max_neighbors": 32}
# 2: each chunk stores its sentences' vectors (its own vector is made from them);
# 3: sentences are spaCy's, and a line break inside a paragraph no longer ends one;
# 4: PDF, HTML and DOCX read as blocks; chunks are whole sentences within one section.
_FORMAT = 4
SENTENCES_KEY = "sentences"
# The collection's recent writes, as [generation before, generation after, document ids] (ids
# None when a sync changed too many to list): a reader a few writes behind reads again only
# the documents they changed.
_CHANGES_KEY = "rag_changes"
# Every request reads the collection's metadata: the log stays small. Past these, a reader
# that far behind builds its copy whole.
_CHANGES_KEPT = 32
_CHANGES_MOST_DOCS = 256


@dataclass(frozen=True)
class StoredChunks:
    """A collection's chunks as stored: parallel lists."""

    ids: list[str]
    texts: list[str]
    metadatas: list[Mapping[str, Any]]
    vectors: list[Any]


@dataclass(frozen=True)
class BuildInfo:
    """How a collection's vectors were made; a collection only answers to the same settings."""

    embed_model: str
    dimension: int
    chunk_size: int
    chunk_overlap: int
    splitter: str
    format: int = _FORMAT

    def as_metadata(self) -> dict[str, str | int]:
        return {f"rag_{key}": value for key, value in asdict(self).items()}

    @classmethod
    def from_metadata(cls, metadata: dict[str, Any] | None) -> BuildInfo | None:
        metadata = metadata or {}
        try:
            return cls(**{key: metadata[f"rag_{key}"] for key in cls.__dataclass_fields__})
        except KeyError:
            return None


def pack_sentences(spans: Sequence[tuple[int, int]], vectors: np.ndarray) -> str:
    """A chunk's sentences (offsets in its text) and their vectors as one metadata string:
    "start-end,..." then the vectors scaled to int8, base64. Only their direction is kept,
    which is all a cosine needs; 8 bits cost about 0.01 of cosine."""
    import numpy as np

    rows = np.asarray(vectors, dtype=np.float32).reshape(len(spans), -1)
    peak = np.maximum(np.abs(rows).max(axis=1, keepdims=True), 1e-12)
    packed = np.round(rows / peak * 127).astype(np.int8)
    offsets = ",".join(f"{a}-{b}" for a, b in spans)
    return f"{offsets};{base64.b64encode(packed.tobytes()).decode('ascii')}"


def unpack_sentences(text: str, dimension: int) -> tuple[list[tuple[int, int]], np.ndarray]:
    """The spans and unit vectors `pack_sentences` stored."""
    spans, codes = unpack_sentence_codes(text, dimension)
    rows = codes.astype("float32")
    return spans, rows * sentence_scales(codes)[:, None]


def unpack_sentence_codes(text: str, dimension: int) -> tuple[list[tuple[int, int]], np.ndarray]:
    """The spans and int8 rows `pack_sentences` stored (a quarter of float32's memory)."""
    import numpy as np

    offsets, _, data = text.partition(";")
    spans = [(int(a), int(b)) for a, b in (o.split("-") for o in offsets.split(",") if o)]
    raw = np.frombuffer(base64.b64decode(data), dtype=np.int8)
    return spans, raw.reshape(len(spans), dimension) if spans else np.zeros((0, dimension), np.int8)


def sentence_scales(codes: np.ndarray) -> np.ndarray:
    """What turns int8 rows into unit vectors: one over each row's length."""
    import numpy as np

    norms = np.linalg.norm(codes.astype(np.float32), axis=1)
    return (1 / np.maximum(norms, 1e-12)).astype(np.float32)  # type: ignore[no-any-return]


def _chunk_metadata(
    chunk: Chunk, total: int, origin: str, chars: int, indexed_at: str
) -> dict[str, str | int]:
    metadata: dict[str, str | int] = {
        "doc_id": chunk.doc_id,
        "title": chunk.title,
        "chunk_index": chunk.index,
        "doc_hash": chunk.doc_hash,
        # How many chunks this version has: a write cut short shows as too few.
        "doc_chunks": total,
        "origin": origin,
        # For the document manager's table: the text's length and when this version came in.
        "doc_chars": chars,
        "indexed_at": indexed_at,
    }
    for key in ("source", "author", "published_at", "url", "created_at", "page", "section", "ocr"):
        value = getattr(chunk, key)
        if value:
            metadata[key] = value
    return metadata


class ChunkIndex:
    """One Chroma collection of chunks, checked against the settings that built it."""

    def __init__(self, client: ClientAPI, collection: Collection, build: BuildInfo) -> None:
        self._client = client
        self._collection = collection
        self.build = build
        self.name = collection.name
        self.uid = str(collection.id)  # a collection dropped and made again gets a new one
        self._deferred = self._changed = False
        self._touched: set[str] = set()  # documents written since the generation last changed
        self._delta = 0  # chunks added less chunks removed since then
        self._documents = DocumentsTable(client, collection)
        self._listed: tuple[str, list[DocumentInfo]] | None = None  # generation, documents

    @functools.cached_property
    def _store(self) -> ChromaVectorStore:
        """llama-index's store over the collection, for the dense-only retriever; made when
        first used, as importing llama-index costs 1.2 s that searches through the word and
        vector indexes do not need."""
        from llama_index.vector_stores.chroma import ChromaVectorStore

        return ChromaVectorStore(chroma_collection=self._collection)

    @classmethod
    def open(cls, client: ClientAPI, name: str, build: BuildInfo, create: bool) -> ChunkIndex:
        """Open collection `name`, creating it when `create` is set.

        Raises:
            CollectionNotFound: it does not exist and `create` is not set.
            IndexMismatch: it was built with another model, dimension or chunking.
        """
        check_collection_name(name)
        if not collection_exists(client, name):
            if not create:
                raise CollectionNotFound(
                    f"No collection named {name!r}. Index documents into it first: "
                    f"python -m rag ingest PATH --collection {name}"
                )
            try:
                collection = client.create_collection(
                    name=name,
                    configuration={"hnsw": _HNSW},  # type: ignore[arg-type]
                    metadata=build.as_metadata(),
                )
            except ValueError as exc:
                raise InvalidInput(f"Cannot create collection {name!r}: {exc}") from exc
            return cls(client, collection, build)
        collection = client.get_collection(name)
        recorded = BuildInfo.from_metadata(collection.metadata)
        if recorded != build:
            raise IndexMismatch(
                f"Collection {name!r} was built with {_describe(recorded)}, but the settings ask "
                f"for {_describe(build)}. Re-index it with: "
                f"python -m rag ingest PATH --collection {name} --rebuild "
                f"(or choose another collection with RAG_COLLECTION)."
            )
        return cls(client, collection, build)

    @classmethod
    def rebuild(cls, client: ClientAPI, name: str, build: BuildInfo) -> ChunkIndex:
        """Drop collection `name` (and its documents table) if it exists and create it empty
        with `build`."""
        names = all_collection_names(client)
        for gone in (name, name + DOCUMENTS_SUFFIX):
            if gone in names:
                client.delete_collection(gone)
        return cls.open(client, name, build, create=True)

    def is_alive(self) -> bool:
        """Whether the collection still exists as this handle knows it (not dropped, not
        rebuilt under the same name). Asks for the collection's record, whose cost does not
        grow with its size, as `count()`'s does."""
        try:
            return bool(self._client.get_collection(self.name).id == self._collection.id)
        except Exception:  # Chroma raises its own NotFound types, varying by version and mode
            return False

    @reads
    def generation(self) -> str:
        """Changes whenever any process writes to the collection; cached views compare it."""
        metadata = self._client.get_collection(self.name).metadata or {}
        return str(metadata.get("rag_generation", ""))

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Writes inside the block change the generation once, at its end: readers rebuild
        their view once per sync, not once per document."""
        self._deferred, self._changed = True, False
        try:
            yield
        finally:
            self._deferred = False
            if self._changed:
                self._bump_generation()

    def _bump_generation(self, doc_id: str | None = None) -> None:
        if doc_id is not None:
            self._touched.add(doc_id)
        if self._deferred:
            self._changed = True
            return
        metadata = dict(self._client.get_collection(self.name).metadata or {})
        before, after = str(metadata.get("rag_generation", "")), uuid.uuid4().hex
        listed = sorted(self._touched) if len(self._touched) <= _CHANGES_MOST_DOCS else None
        log = [*_changes(metadata), [before, after, listed]][-_CHANGES_KEPT:]
        while sum(len(docs or ()) for _, _, docs in log) > _CHANGES_MOST_DOCS:
            log = log[1:]
        metadata["rag_generation"], metadata[_CHANGES_KEY] = after, json.dumps(log)
        metadata[COUNT_KEY] = counted(self._collection, metadata.get(COUNT_KEY), self._delta)
        self._collection.modify(metadata=metadata)
        self._touched, self._delta = set(), 0

    @reads
    def changes_since(self, generation: str) -> tuple[str, frozenset[str]] | None:
        """The collection's generation now and the documents written since `generation`; None
        when that is not known (too long ago, a sync too large to list, another collection)."""
        metadata = self._client.get_collection(self.name).metadata or {}
        current = str(metadata.get("rag_generation", ""))
        steps = {before: (after, docs) for before, after, docs in _changes(metadata)}
        changed: set[str] = set()
        at = generation
        for _ in range(len(steps)):
            if at == current:
                break
            after, docs = steps.get(at, (None, None))
            if after is None or docs is None:
                return None
            at = after
            changed.update(docs)
        return (current, frozenset(changed)) if at == current else None

    @reads
    def export(self, doc_ids: frozenset[str] | None = None) -> StoredChunks:
        """Every stored chunk's id, text, metadata and vector (only those of `doc_ids`, if
        given), for in-memory search."""
        return _joined(self.pages(doc_ids))

    def pages(
        self, doc_ids: frozenset[str] | None = None, *, vectors: bool = True
    ) -> Iterator[StoredChunks]:
        """`export`, a page of chunks at a time: what reads a large collection through keeps
        one page in memory, not the collection. Without `vectors`, the chunks' vectors are
        left on the server (over HTTP they are most of a page)."""
        if doc_ids is not None and not doc_ids:
            return
        where = {"doc_id": {"$in": sorted(doc_ids)}} if doc_ids is not None else None
        include = ["documents", "metadatas", *(["embeddings"] if vectors else [])]
        offset = 0
        while True:
            with stale():  # a generator: `_reads` would not see its errors
                page = self._collection.get(
                    where=where,  # type: ignore[arg-type]
                    include=include,  # type: ignore[arg-type]
                    limit=PAGE,
                    offset=offset,
                )
            yield _stored(page)
            if len(page["ids"]) < PAGE:
                return
            offset += PAGE
            del page
            release_pages()

    @reads
    def records(self, ids: Sequence[str]) -> StoredChunks:
        """The chunks of these ids (those that exist), in no particular order."""
        if not ids:
            return StoredChunks([], [], [], [])
        page = self._collection.get(ids=list(ids), include=["documents", "metadatas", "embeddings"])
        return _stored(page)

    @reads
    def vectors(self, ids: Sequence[str]) -> tuple[list[str], list[Any]]:
        """The vectors of the chunks of these ids (those that exist), with their ids: a few
        times cheaper to read than whole records."""
        if not ids:
            return [], []
        page = self._collection.get(ids=list(ids), include=["embeddings"])
        vectors = page["embeddings"]
        return list(page["ids"]), list(vectors if vectors is not None else [])

    @reads
    def first(self, many: int) -> StoredChunks:
        """Up to `many` chunks, the first stored: a sample of the collection."""
        page = self._collection.get(include=["documents", "metadatas", "embeddings"], limit=many)
        return _stored(page)

    @reads
    def nearest(
        self, vector: Sequence[float], many: int, where: Mapping[str, Any] | None = None
    ) -> list[tuple[str, Any]]:
        """The ids of the `many` chunks nearest `vector` by Chroma's HNSW index, among those
        `where` (Chroma's filter) admits, with their vectors, nearest first."""
        found = self._collection.query(
            query_embeddings=[list(vector)],  # type: ignore[arg-type]
            n_results=many,  # fewer when fewer chunks match
            where=dict(where) if where else None,
            include=["embeddings"],
        )
        ids = found["ids"][0] if found["ids"] else []
        vectors = found["embeddings"][0] if found["embeddings"] is not None else []
        return list(zip(ids, vectors, strict=True))

    @reads
    def count(self) -> int:
        return chunk_count(self._client.get_collection(self.name))

    @reads
    def stored_documents(self, doc_ids: Iterable[str] | None = None) -> dict[str, StoredDocument]:
        """What is stored of every document (of `doc_ids`, if given): its versions' hashes and
        whether each is whole. Builds the documents table first if the collection has none
        (only writers ask)."""
        return self._documents.stored(doc_ids)

    @reads
    def holder(self, doc_hash: str) -> str | None:
        """A document stored whole with this content hash, if any (only writers ask)."""
        return self._documents.holder(doc_hash)

    def replace_document(
        self,
        doc_id: str,
        chunks: Sequence[Chunk],
        vectors: Sequence[Sequence[float]],
        origin: str = "",
        sentences: Sequence[str | None] | None = None,
    ) -> None:
        """Store a document's new chunks (with their sentences packed by `pack_sentences`), then
        drop any of its chunks that are not among them."""
        from llama_index.core.schema import (
            MetadataMode,
            NodeRelationship,
            RelatedNodeInfo,
            TextNode,
        )
        from llama_index.core.vector_stores.utils import node_to_metadata_dict

        # llama-index writes the node's source id into the "doc_id" metadata key, so the
        # source relationship must carry our document id.
        source = {NodeRelationship.SOURCE: RelatedNodeInfo(node_id=doc_id)}
        chars = max((chunk.end for chunk in chunks), default=0)
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        nodes = [
            TextNode(
                id_=chunk.chunk_id,
                text=chunk.text,
                embedding=list(vector),
                metadata=_chunk_metadata(chunk, len(chunks), origin, chars, now),
                start_char_idx=chunk.start,
                end_char_idx=chunk.end,
                relationships=source,
            )
            for chunk, vector in zip(chunks, vectors, strict=True)
        ]
        # The document's record is marked unfinished first and whole last: after a write cut
        # short, the next sync writes the document again, or removes it if its file is gone.
        if nodes:
            first = _chunk_metadata(chunks[0], len(chunks), origin, chars, now)
            self._documents.put(doc_id, first, StoredDocument(origin))
        ids = [chunk.chunk_id for chunk in chunks]
        packed = dict(zip(ids, sentences, strict=True)) if sentences is not None else {}
        keep = set(ids)
        stale = [i for i in self._ids_of(doc_id) if i not in keep]
        present = set(self._existing(keep))
        fresh = [node for node in nodes if node.node_id not in present]
        if fresh:
            # As llama-index's ChromaVectorStore.add stores a node, plus the sentences beside
            # its metadata rather than inside the node's JSON copy of it (stored once).
            metadatas = []
            for node in fresh:
                metadata = node_to_metadata_dict(node, remove_text=True, flat_metadata=True)
                if packed.get(node.node_id):
                    metadata[SENTENCES_KEY] = packed[node.node_id]
                metadatas.append(metadata)
            for at in range(0, len(fresh), PAGE):  # within Chroma's largest batch
                batch = fresh[at : at + PAGE]
                self._collection.add(
                    ids=[node.node_id for node in batch],
                    embeddings=[node.get_embedding() for node in batch],  # type: ignore[arg-type]
                    metadatas=metadatas[at : at + PAGE],  # type: ignore[arg-type]
                    documents=[node.get_content(metadata_mode=MetadataMode.NONE) for node in batch],
                )
                self._delta += len(batch)
        if stale:
            self._collection.delete(ids=stale)
            self._delta -= len(stale)
        if nodes:
            counts = {chunks[0].doc_hash: len(chunks)}
            self._documents.put(doc_id, first, StoredDocument(origin, counts, counts))
        if nodes or stale:  # the chunks or the document's record changed
            self._bump_generation(doc_id)

    @reads
    def documents(self) -> list[DocumentInfo]:
        """Every document in the collection with its metadata and chunk count, by id; read
        again only when the collection's generation has changed (the document manager asks
        after every keystroke in its search box)."""
        generation = self.generation()
        if self._listed is not None and self._listed[0] == generation:
            return list(self._listed[1])
        listed = None
        if self._listed is not None and (since := self.changes_since(self._listed[0])):
            # A few documents written since the last listing: only their rows are read again
            # (at a million chunks the whole table takes 4 s, one upload's row 10 ms).
            generation, changed = since
            fresh = self._documents.listed(changed)
            if fresh is not None:
                kept = [d for d in self._listed[1] if d.doc_id not in changed]
                listed = sorted([*kept, *fresh], key=lambda d: d.doc_id)
        if listed is None:
            listed = self._documents.listed()
        self._listed = (generation, listed)
        return list(listed)

    def delete_document(self, doc_id: str) -> int:
        """Remove every chunk of a document; returns how many were removed."""
        ids = self._ids_of(doc_id)
        if ids:
            self._collection.delete(ids=ids)
            self._delta -= len(ids)
        self._documents.delete(doc_id)
        self._bump_generation(doc_id)
        return len(ids)

    @reads
    def origin(self, doc_id: str) -> str | None:
        """Where a document was ingested from (its folder, "upload" or "documents"); None when
        it is not in the collection."""
        return self._documents.origin(doc_id)

    @reads
    def document(self, doc_id: str) -> Document | None:
        """A document's text as ingested, put back together from its chunks and their offsets."""
        page = self._collection.get(where={"doc_id": doc_id}, include=["documents", "metadatas"])
        if not page["ids"]:
            return None
        pieces = []
        first_on: dict[int, int] = {}  # where each page's first chunk starts
        for text, metadata in zip(page["documents"] or [], page["metadatas"] or [], strict=True):
            start = stored_offsets(metadata)[0] or 0
            pieces.append((start, text or ""))
            if isinstance(metadata.get("page"), int):
                number = int(metadata["page"])  # type: ignore[arg-type]
                first_on[number] = min(start, first_on.get(number, start))
        # Chunks overlap; the whitespace the splitter trimmed between them comes back, as
        # blank lines where it was more than a space: chunks start at headings and paragraphs.
        out: list[str] = []
        length = 0
        for start, text in sorted(pieces):
            if start > length:
                gap = start - length
                out.append(" " if gap == 1 else "\n" * gap)
                length = start
            out.append(text[length - start :])
            length = max(length, start + len(text))
        first = (page["metadatas"] or [{}])[0]
        return Document(
            doc_id=doc_id,
            text="".join(out),
            title=str(first.get("title") or doc_id),
            source=first.get("source") or None,
            published_at=first.get("published_at") or None,
            url=first.get("url") or None,
            created_at=first.get("created_at") or None,
            author=first.get("author") or None,
            page_starts=_page_starts(first_on),
        )

    @reads
    def has_documents(self, doc_ids: frozenset[str]) -> frozenset[str]:
        """Which of these document ids have chunks here."""
        return self._documents.present(doc_ids)

    def _ids_of(self, doc_id: str) -> list[str]:
        return list(self._collection.get(where={"doc_id": doc_id}, include=[])["ids"])

    def _existing(self, ids: set[str]) -> list[str]:
        if not ids:
            return []
        return list(self._collection.get(ids=list(ids), include=[])["ids"])

    @reads
    def query(
        self, vector: Sequence[float], top_k: int, doc_ids: frozenset[str] | None = None
    ) -> list[NodeWithScore]:
        """The `top_k` nearest chunks as llama-index nodes, of the documents `doc_ids` names
        if given; score is cosine similarity."""
        import math

        from llama_index.core.schema import NodeWithScore
        from llama_index.core.vector_stores.types import (
            FilterOperator,
            MetadataFilter,
            MetadataFilters,
            VectorStoreQuery,
        )

        if not self._collection.get(limit=1, include=[])["ids"]:
            return []  # nothing to search (one record asked for, not a count of all)
        filters = None
        if doc_ids is not None:
            filters = MetadataFilters(
                filters=[
                    MetadataFilter(key="doc_id", value=sorted(doc_ids), operator=FilterOperator.IN)
                ]
            )
        result = self._store.query(
            VectorStoreQuery(query_embedding=list(vector), similarity_top_k=top_k, filters=filters)
        )
        # ChromaVectorStore reports exp(-distance); with cosine space, distance = 1 - cosine.
        return [
            NodeWithScore(node=node, score=1.0 + math.log(similarity))
            for node, similarity in zip(result.nodes or [], result.similarities or [], strict=True)
        ]


def stored_offsets(metadata: Mapping[str, Any]) -> tuple[int | None, int | None]:
    """A stored chunk's offsets in its document, from the node JSON llama-index keeps in its
    metadata (`_node_content`)."""
    try:
        node = json.loads(str(metadata.get("_node_content") or "{}"))
    except ValueError:
        return None, None
    return node.get("start_char_idx"), node.get("end_char_idx")


def _joined(pages: Iterable[StoredChunks]) -> StoredChunks:
    """Pages of chunks as one."""
    whole = StoredChunks([], [], [], [])
    for page in pages:
        whole.ids.extend(page.ids)
        whole.texts.extend(page.texts)
        whole.metadatas.extend(page.metadatas)
        whole.vectors.extend(page.vectors)
    return whole


def _stored(page: Mapping[str, Any]) -> StoredChunks:
    """A page Chroma's `get` returned (documents and metadatas included, embeddings if asked)."""
    vectors = page.get("embeddings")
    return StoredChunks(
        ids=list(page["ids"]),
        texts=[d or "" for d in page["documents"] or []],
        metadatas=list(page["metadatas"] or []),
        vectors=list(vectors if vectors is not None else []),
    )


def _changes(metadata: Mapping[str, Any]) -> list[list[Any]]:
    """The change log kept in a collection's metadata; empty when missing or unreadable."""
    try:
        log = json.loads(str(metadata.get(_CHANGES_KEY) or "[]"))
    except ValueError:
        return []
    return [e for e in log if isinstance(e, list) and len(e) == 3] if isinstance(log, list) else []


def _describe(build: BuildInfo | None) -> str:
    if build is None:
        return "unknown settings (not made by this tool)"
    return (
        f"model {build.embed_model} (dimension {build.dimension}), "
        f"{build.splitter}, format {build.format}"
    )


def _page_starts(first_on: dict[int, int]) -> list[int] | None:
    """Where each page begins, from where its first chunk does; a page without text (a blank
    or a picture) begins where the next one with text does."""
    if not first_on:
        return None
    last = max(first_on)
    starts, following = [0] * last, first_on[last]
    for number in range(last, 1, -1):  # the first page begins at 0
        following = first_on.get(number, following)
        starts[number - 1] = following
    return starts
