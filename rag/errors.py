"""A small error hierarchy whose messages are written for the person who meets them."""

from __future__ import annotations


class RagError(Exception):
    """Base of every error the assistant reports to a user; `str(err)` is the message."""

    code = "error"


class InvalidInput(RagError):
    """The question, query or argument cannot be used as given."""

    code = "invalid_input"


class CollectionNotFound(RagError):
    """The named collection does not exist (nothing was ingested into it)."""

    code = "collection_not_found"


class DocumentNotFound(RagError):
    """No document with that id is in the collection."""

    code = "document_not_found"


class PageNotFound(DocumentNotFound):
    """The document has no page of that number."""

    code = "page_not_found"


class UnsupportedFile(RagError):
    """A file type the ingestion cannot read, or a file over the size limit."""

    code = "unsupported_file"


class FileTooLarge(UnsupportedFile):
    """A file over the configured size limit."""

    code = "file_too_large"


class IndexMismatch(RagError):
    """The collection was built with other settings (model, dimension, chunking)."""

    code = "index_mismatch"


class BackendUnavailable(RagError):
    """An optional backend or model package is not installed."""

    code = "backend_unavailable"


class IngestFailed(RagError):
    """One file could not be read or indexed; the message names it and says why."""

    code = "ingest_failed"


class StoreChanged(RagError):
    """Another process changed the store while it was being read, twice in a row."""

    code = "store_changed"
