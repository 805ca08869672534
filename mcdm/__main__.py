"""Run the command line: ``python -m mcdm ...`` is the same as ``mcdm ...``."""

from .cli import main

raise SystemExit(main())
