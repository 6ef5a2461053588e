"""Document-QA assistant: answers questions from your documents with checkable citations."""

import os

# Set before anything imports gradio, huggingface_hub, transformers or chromadb: nothing may
# call out of the machine (model downloads, analytics, telemetry), here or for offline users.
for _name, _value in {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
    "TRANSFORMERS_VERBOSITY": "error",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
}.items():
    os.environ.setdefault(_name, _value)

from rag.errors import RagError  # noqa: E402
from rag.pipeline import Pipeline  # noqa: E402
from rag.schema import (  # noqa: E402
    Answer,
    Citation,
    Document,
    DocumentInfo,
    IngestProgress,
    IngestReport,
    Passage,
    SearchResult,
)
from rag.settings import Settings  # noqa: E402
from rag.wiring import build_pipeline  # noqa: E402

__all__ = [
    "Answer",
    "Citation",
    "Document",
    "DocumentInfo",
    "IngestProgress",
    "IngestReport",
    "Passage",
    "Pipeline",
    "RagError",
    "SearchResult",
    "Settings",
    "build_pipeline",
]
