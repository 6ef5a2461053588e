"""What reading a PDF costs per page: the block reader (pypdfium2 characters, boxes and fonts;
rag/pdf_reader.py) against plain page text from pypdfium2 and, if installed, pypdf (the reader
this project used before, which keeps hard line wraps and running headers).

Run: python bench/extract.py [FILE.pdf ...]   (default: the PDFs of bench/documents/files,
fetched by bash bench/documents/fetch.sh)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.pdf_reader import read_blocks  # noqa: E402


def _pdfium_plain(raw: bytes) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(raw)
    for page in document:
        page.get_textpage().get_text_range()
    return len(document)


def _pypdf_plain(raw: bytes) -> int:
    import io

    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(raw))
    for page in reader.pages:
        page.extract_text()
    return len(reader.pages)


def main() -> None:
    files = [Path(a) for a in sys.argv[1:]] or sorted(
        (ROOT / "bench" / "documents" / "files").glob("*.pdf")
    )
    readers = {"blocks (pdfium)": lambda raw: read_blocks(raw, "x"), "plain pdfium": _pdfium_plain}
    try:
        import pypdf  # noqa: F401

        readers["plain pypdf"] = _pypdf_plain
    except ImportError:
        print("pypdf not installed: its column is left out", file=sys.stderr)
    pages = 0
    totals = dict.fromkeys(readers, 0.0)
    for file in files:
        raw = file.read_bytes()
        import pypdfium2

        pages += len(pypdfium2.PdfDocument(raw))
        for name, read in readers.items():
            started = time.perf_counter()
            read(raw)
            totals[name] += time.perf_counter() - started
    print(f"{len(files)} PDFs, {pages} pages")
    for name, seconds in totals.items():
        print(f"{name:18} {seconds:6.2f} s  {1000 * seconds / max(pages, 1):6.1f} ms/page")


if __name__ == "__main__":
    main()
