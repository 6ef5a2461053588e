"""The one wiring point: build_pipeline(settings) picks the backends and returns a Pipeline."""

from __future__ import annotations

import logging
from pathlib import Path

from rag.answer import AnswerEngine, LLMEngine, Prompts
from rag.embed import Embedder, build_embedder
from rag.errors import BackendUnavailable
from rag.llm import ChatModel, LlamaCppChat, OpenAIChat
from rag.pipeline import Pipeline
from rag.reading import ReadingEngine
from rag.retrieve import HybridOptions
from rag.selection import ReadingWeights
from rag.selector import Selector
from rag.settings import Settings
from rag.store import connect
from rag.verify import Verifier
from rag.word_vectors import WordVectors, store_path

log = logging.getLogger(__name__)


def _cache_dir(settings: Settings) -> Path:
    """Where model exports and word vectors are kept, for every collection."""
    return settings.model_cache_dir or settings.data_dir / "models"


def _chat_model(settings: Settings) -> ChatModel:
    if settings.engine == "llamacpp":
        if settings.llm_model_path is None:
            raise BackendUnavailable("The llamacpp engine needs RAG_LLM_MODEL_PATH (a GGUF file).")
        return LlamaCppChat(settings.llm_model_path, settings.llm_context)
    if not settings.llm_base_url:
        raise BackendUnavailable("The openai engine needs RAG_LLM_BASE_URL (http://HOST:PORT/v1).")
    return OpenAIChat(settings.llm_base_url, settings.llm_model, settings.llm_api_key)


def _extractive_engine(
    settings: Settings, embedder: Embedder, prompts: Prompts, verifier: Verifier
) -> AnswerEngine:
    cache_dir = _cache_dir(settings)
    if settings.profile == "news-multihop":
        from rag.profiles.news_multihop import ExtractiveEngine

        return ExtractiveEngine(
            embedder,
            prompts,
            verifier,
            max_sentences=3,  # as the profile was measured
            answer_similarity=settings.answer_similarity,
            answer_similarity_with_terms=settings.answer_similarity_with_terms,
            answer_term_coverage=settings.answer_term_coverage,
            corroboration=settings.answer_corroboration,
        )
    weights = ReadingWeights(refuse_below=settings.answer_threshold)
    selector = Selector() if settings.answer_selector else None
    if selector is not None and not selector.available():
        log.warning("no sentence selector at %s: answering without it", selector.model_dir)
        selector = None
    return ReadingEngine(
        embedder,
        prompts,
        verifier,
        max_sentences=settings.max_answer_sentences,
        weights=weights,
        selector=selector,
        words=WordVectors(embedder, store_path(cache_dir, embedder)),
    )


def hybrid_options(settings: Settings) -> HybridOptions:
    """Hybrid retrieval's switches: the outlet turns and the date boost serve questions that
    name outlets and dates the way news multi-hop benchmarks do, so only that profile has them."""
    news = settings.profile == "news-multihop"
    return HybridOptions(
        dense_weight=settings.dense_weight,
        date_boost=settings.date_boost if news else 0.0,
        per_source=settings.per_source if news else 0,
        clause_weight=settings.clause_weight,
        order_by_clause=settings.order_by_clause,
        outlets_first=settings.outlets_first,
        sentence_weight=settings.sentence_weight,
        # A question about one document wants its passages, however many of its sections
        # match; multi-hop news questions want several articles.
        max_chunks_per_doc=settings.max_chunks_per_doc
        if settings.max_chunks_per_doc is not None
        else (3 if news else 0),
    )


def build_pipeline(
    settings: Settings, *, embedder: Embedder | None = None, chat_model: ChatModel | None = None
) -> Pipeline:
    """Build the pipeline the settings describe; `embedder` and `chat_model` (which implies an
    LLM engine) override the models (tests, integrations).

    Raises:
        BackendUnavailable: the embedding model or a backend package is not installed.
    """
    if embedder is None:
        embedder = build_embedder(
            settings.embed_model,
            settings.embed_backend,
            _cache_dir(settings),
            settings.embed_batch_size,
        )
    model_path = getattr(embedder, "model_path", None)
    prompts = Prompts.load(settings.prompts_dir)
    verifier = Verifier(embedder, threshold=settings.support_threshold, strict=settings.strict)
    engine: AnswerEngine
    if settings.engine == "extractive" and chat_model is None:
        engine = _extractive_engine(settings, embedder, prompts, verifier)
    else:
        engine = LLMEngine(
            chat_model or _chat_model(settings),
            prompts,
            verifier,
            max_sentences=settings.max_answer_sentences,
            max_tokens=settings.llm_max_tokens,
        )
    client = connect(settings.data_dir, settings.chroma_url)
    return Pipeline(settings, client, embedder, model_path, engine, hybrid_options(settings))
