"""`python -m rag`: the command-line face."""

import os
import sys

from rag.cli import main

try:
    code = main()
    sys.stdout.flush()
except BrokenPipeError:
    # The reader went away (`--json | head`): stop quietly, as Unix tools do. Python would
    # otherwise complain again when it flushes stdout at exit.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    code = 1
raise SystemExit(code)
