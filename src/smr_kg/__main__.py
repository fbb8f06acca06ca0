"""``python -m smr_kg``: the same as the ``smr-kg`` command."""

from .cli import main

raise SystemExit(main())
