"""Start-up: settings -> pipeline -> index the corpus if it changed -> web app on one port."""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from typing import TYPE_CHECKING

from rag import Pipeline, RagError, Settings, build_pipeline

if TYPE_CHECKING:
    from fastapi import FastAPI


def create_app(pipeline: Pipeline) -> FastAPI:
    """The web app: the API under /api and /v1, the Gradio chat mounted at `/`."""
    import gradio as gr

    from rag.api import create_api
    from rag.ui import build_ui
    from rag.ui_html import CSS, HEAD

    # Its routes first: the UI's mount at "/" takes the rest. Its authentication boundary
    # (RAG_API_TOKEN, RAG_AUTH) stands in front of both, so Gradio gets no auth of its own.
    app = create_api(pipeline)
    return gr.mount_gradio_app(  # type: ignore[no-any-return]
        app,
        build_ui(pipeline),
        path="/",
        css=CSS,
        head=HEAD,
        max_file_size=pipeline.settings.max_upload_bytes,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Document QA chat in the browser.")
    parser.add_argument("--host", help="address to listen on (default: RAG_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default: RAG_PORT or 7860)")
    args = parser.parse_args(argv)
    overrides = {k: v for k, v in {"host": args.host, "port": args.port}.items() if v}
    try:
        settings = Settings.load(**overrides)
        pipeline = build_pipeline(settings)
        if settings.corpus_dir.is_dir():
            report = pipeline.ingest([settings.corpus_dir])
            print(report.summary(), flush=True)
            for failure in report.failed:
                print(f"failed: {failure.reason}", file=sys.stderr)
        pipeline.index()  # fails now, with its reason, if there is nothing to ask
    except RagError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    import uvicorn

    # What changed the documents (uploads, deletes) and what failed, in the server's log.
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("rag").setLevel(logging.INFO)
    app = create_app(pipeline)
    # Models and search structures load while the server starts, not on the first question.
    threading.Thread(target=pipeline.warm_up, name="warm-up", daemon=True).start()
    print(f"Open http://{settings.host}:{settings.port}", flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
