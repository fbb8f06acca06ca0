"""The mapping set through the ``sssom`` package: validation and SSSOM-JSON.

Kept apart from :mod:`smr_kg.stages.mappings` because sssom imports pandas and LinkML (about 1.6 s), so
only the commands that need it pay for it. Using sssom itself, rather than writing SSSOM-JSON by
hand, means the output is what ``sssom parse -I json`` and other SSSOM tools read.
"""

from __future__ import annotations

import contextlib
import io
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError


@contextlib.contextmanager
def quiet_sssom() -> Iterator[None]:
    """sssom logs every finding and pandas warns from inside it; callers report findings instead."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        root.setLevel(level)


def validate_with_sssom(path: Path | None = None) -> list[str]:
    """Problems the ``sssom`` package finds (JSON schema, prefix map, CURIE format); [] when valid."""
    with quiet_sssom():
        from sssom.validators import validate

        try:
            msdf = _parse(path)
        except InputError as exc:
            return [exc.message]
        reports = validate(msdf, fail_on_error=False)
    return [f"{kind.value}: {result.message}" for kind, report in reports.items() for result in report.results]


def sssom_json(path: Path | None = None) -> str:
    """The mapping set as SSSOM-JSON, written by the sssom package from the SSSOM/TSV file."""
    with quiet_sssom():
        from sssom.writers import write_json

        out = io.StringIO()
        write_json(_parse(path), out, serialisation="json")
    text = out.getvalue()
    return text if text.endswith("\n") else text + "\n"


def _parse(path: Path | None):
    """sssom's MappingSetDataFrame of ``path`` (default: the shipped set); unreadable is bad input."""
    from sssom.parsers import parse_sssom_table

    from ..stages.mappings import default_mapping_file

    path = Path(path) if path else default_mapping_file()
    try:
        return parse_sssom_table(str(path))
    except Exception as exc:  # sssom raises pandas/yaml/linkml errors for unreadable files
        raise InputError(f"sssom cannot parse {path}: {str(exc).splitlines()[0][:300]}") from None
