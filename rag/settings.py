"""Settings: the one typed configuration object, read from RAG_* environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from rag.errors import InvalidInput


class Settings(BaseSettings):
    """Every option of the assistant, with its default. Built once at start-up."""

    model_config = SettingsConfigDict(env_prefix="RAG_", extra="ignore")

    data_dir: Path = Field(
        Path("data"),
        description="Where the embedded Chroma store lives, and each collection's saved search "
        "snapshot (`snapshots/`, which a new process starts from) or word index (`words/`, for "
        "collections past RAG_EXACT_LIMIT); both are rebuilt when deleted.",
    )
    collection: str = Field("corpus", description="Chroma collection to index into and ask.")
    corpus_dir: Path = Field(
        Path("corpus"),
        description="Folder indexed by `python app.py` on start and by the CLI on first use.",
    )
    chroma_url: str | None = Field(
        None, description="A Chroma server (http://HOST:PORT) to use instead of the embedded store."
    )
    embed_model: str = Field(
        "all-MiniLM-L6-v2",
        description="Embedding model: a packaged model name or a local model folder.",
    )
    embed_backend: Literal["onnx-int8", "torch"] = Field(
        "onnx-int8",
        description="`onnx-int8`: the model exported once to int8 ONNX (faster); `torch`: fp32.",
    )
    model_cache_dir: Path | None = Field(
        None,
        description="Where exported ONNX models, and the words' vectors the reading step uses, "
        "are kept (default: DATA_DIR/models).",
    )
    embed_batch_size: int = Field(16, ge=1, description="Texts per embedding batch.")
    chunk_size: int = Field(
        320,
        ge=32,
        description="Chunk length in embedding-model tokens (may exceed the model's window: "
        "chunks are embedded sentence by sentence).",
    )
    chunk_overlap: int = Field(32, ge=0, description="Tokens shared by neighbouring chunks.")
    top_k: int = Field(5, ge=1, le=50, description="Passages retrieved per question.")
    retrieval: Literal["hybrid", "dense"] = Field(
        "hybrid", description="`hybrid`: dense + BM25 + metadata; `dense`: Chroma's vector search."
    )
    exact_limit: int = Field(
        20_000,
        ge=0,
        description="Hybrid: a collection of up to this many chunks is searched whole from a copy "
        "in memory; a larger one through Chroma's vector index and a word index on disk, "
        "scoring a few hundred candidates (0: always).",
    )
    dense_weight: float = Field(
        0.4, ge=0, le=1, description="Hybrid: weight of dense similarity; the rest goes to BM25."
    )
    date_boost: float = Field(
        1.0,
        ge=0,
        description="news-multihop profile: boost for articles published on a date the query "
        "names (in units "
        "of the signals' total weight).",
    )
    per_source: int = Field(
        5,
        ge=0,
        description="news-multihop profile: chunks taken in turn from each outlet the query names.",
    )
    clause_weight: float = Field(
        0.5,
        ge=0,
        le=1,
        description="news-multihop profile: how much an outlet's chunks are ranked by the "
        "clause naming it "
        "rather than the whole question (0: the whole question only).",
    )
    order_by_clause: bool = Field(
        True,
        description="news-multihop profile: order an outlet's chunks among the top ones by "
        "their ranking with "
        "its clause, not by the whole question alone.",
    )
    outlets_first: bool = Field(
        True,
        description="news-multihop profile: in each turn, the chunks chosen for the outlets "
        "the query names "
        "come before the one chosen by the whole query.",
    )
    sentence_weight: float = Field(
        0.4,
        ge=0,
        description="Hybrid: weight of the similarity of a chunk's closest sentence (its "
        "sentences' vectors are stored at ingest; 0: off).",
    )
    max_chunks_per_doc: int | None = Field(
        None,
        ge=0,
        description="Hybrid: most chunks of one document in a result (0: no limit; default: "
        "no limit, 3 in the news-multihop profile).",
    )
    profile: Literal["general", "news-multihop"] = Field(
        "general",
        description="`general`: what any collection wants; `news-multihop`: the opt-in rules "
        "fitted to news multi-hop benchmarks (outlet turns, date boost, template answer shapes).",
    )
    engine: Literal["extractive", "llamacpp", "openai"] = Field(
        "extractive",
        description="Answer engine: `extractive` (no LLM), `llamacpp` (a local GGUF model) or "
        "`openai` (any OpenAI-compatible server).",
    )
    max_answer_sentences: int = Field(
        2,
        ge=1,
        description="Most sentences chosen for an extractive or LLM answer (a summary has 3; an "
        'extractive answer adds the sentence before one that points back, "This release ...", '
        "and the sentence selector's pick when it differs, and a comparison takes one for each "
        "thing).",
    )
    strict: bool = Field(False, description="Drop answer sentences their citations do not support.")
    support_threshold: float = Field(
        0.55, description="Support score (half word overlap, half similarity) a claim needs."
    )
    llm_model_path: Path | None = Field(None, description="`llamacpp` engine: the GGUF model file.")
    llm_context: int = Field(4096, ge=512, description="`llamacpp` engine: context tokens.")
    llm_base_url: str | None = Field(
        None, description="`openai` engine: the server's base URL, e.g. http://HOST:PORT/v1."
    )
    llm_model: str = Field("default", description="`openai` engine: the model name to ask for.")
    llm_api_key: SecretStr | None = Field(None, description="`openai` engine: its API key, if any.")
    llm_max_tokens: int = Field(256, ge=16, description="LLM engines: longest answer, in tokens.")
    answer_selector: bool = Field(
        True,
        description="Extractive: a learned sentence selector (a small cross-encoder shipped in "
        "rag/models/selector) reads the likeliest sentences with the question and may put its "
        "pick first or add it; off saves about 60 ms a question.",
    )
    answer_threshold: float = Field(
        0.5,
        description="Extractive: the score (mostly the cosine of question and sentence) the "
        "best sentence needs, or the engine refuses.",
    )
    answer_similarity: float = Field(
        0.5,
        description="news-multihop profile: a sentence this similar to the question answers it.",
    )
    answer_similarity_with_terms: float = Field(
        0.3,
        description="news-multihop profile: a less similar sentence answers it if it also "
        "holds its key words.",
    )
    answer_term_coverage: float = Field(
        0.5,
        description="news-multihop profile: share of the question's key words that counts.",
    )
    answer_corroboration: bool = Field(
        True,
        description="news-multihop profile: prefer sentences naming what two or more articles "
        "agree on.",
    )
    max_question_chars: int = Field(4000, ge=1, description="Longest question accepted.")
    max_file_bytes: int = Field(
        50_000_000, ge=1, description="Largest file ingested; a larger one is reported, not read."
    )
    max_upload_bytes: int = Field(20_000_000, ge=1, description="Largest file accepted by upload.")
    api_token: SecretStr | None = Field(
        None,
        description="When set, every route requires credentials: API clients send "
        "`Authorization: Bearer <token>`; a browser logs in with it at /login.",
    )
    auth: SecretStr | None = Field(
        None,
        description="`user:password`: when set, every route requires credentials; a browser "
        "logs in with them, API clients may use HTTP Basic.",
    )
    prompts_dir: Path = Field(
        Path(__file__).resolve().parent.parent / "prompts",
        description="Folder of answer and refusal templates.",
    )
    host: str = Field("127.0.0.1", description="Address the web app listens on.")
    port: int = Field(7860, ge=1, le=65535, description="Port the web app listens on.")

    @classmethod
    def load(cls, **overrides: Any) -> Settings:
        """The settings from RAG_* variables (and `overrides`), for a face to start from.

        Raises:
            InvalidInput: a variable's value is not usable; the message names it.
        """
        try:
            return cls(**overrides)
        except ValidationError as exc:
            problems = "; ".join(
                f"RAG_{'_'.join(str(p) for p in err['loc']).upper()}: "
                f"{err['msg'].removeprefix('Value error, ')}"
                for err in exc.errors()
            )
            raise InvalidInput(f"Invalid setting: {problems}") from None

    @field_validator("auth")
    @classmethod
    def _login_has_a_password(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            user, colon, password = value.get_secret_value().partition(":")
            if not colon or not user or not password:
                raise ValueError("RAG_AUTH must be user:password, with both parts non-empty")
        return value


def settings_table() -> str:
    """The README's configuration table, generated from the fields above."""
    rows = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for name, field in Settings.model_fields.items():
        default = "prompts/" if name == "prompts_dir" else field.default
        rows.append(f"| `RAG_{name.upper()}` | `{default}` | {field.description} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(settings_table())
