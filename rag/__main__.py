"""`python -m rag`: the command-line face."""

from rag.cli import main

raise SystemExit(main())
