"""Refuse RDF/XML whose DTD could blow up or reach out: entity bombs and external entities.

rdflib parses RDF/XML with the standard library's expat, which expands entities: nine nested
entities of ten references each ("billion laughs") made one ``rdfs:label`` gigabytes long and
pinned a CPU for minutes. defusedxml would refuse *every* entity declaration, but Protégé and the
OWL API write RDF/XML with a DOCTYPE of plain namespace entities (``<!ENTITY owl
"http://www.w3.org/2002/07/owl#">``), which are harmless. So the DTD is read first, with expat,
and the document is refused when an entity

* refers to another entity (nesting is what makes expansion exponential),
* is external (``SYSTEM`` / ``PUBLIC``: a file or URL read on our behalf) or a parameter entity,
* or when all references together would expand to more than :data:`MAX_EXPANSION` bytes
  (many references to a long entity: the "quadratic blowup").
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.parsers import expat

from ..errors import InputError

MAX_EXPANSION = 1 << 20
"""Bytes that entity references may add to a document in total (namespace entities add a few KB)."""


class _RootReached(Exception):
    """Stops expat at the first element: the DTD is all that is needed."""


def check(path: Path) -> None:
    """Raise :class:`InputError` if the RDF/XML file at ``path`` declares a dangerous entity."""
    entities: dict[str, str] = {}

    def declared(name, is_parameter, value, base, system_id, public_id, notation) -> None:
        if is_parameter:
            raise InputError(f"{path}: refusing the parameter entity %{name}; (entities in RDF/XML are not expanded)")
        if value is None or system_id or public_id:
            raise InputError(f"{path}: refusing the external entity &{name}; (smr-kg reads no file or URL it was not given)")
        if "&" in value or "%" in value:
            raise InputError(
                f"{path}: refusing the entity &{name};: it refers to other entities, which can expand "
                "to gigabytes (an 'entity bomb'); write the value out"
            )
        entities[name] = value

    def stop(*_args) -> None:
        raise _RootReached

    parser = expat.ParserCreate()
    parser.EntityDeclHandler = declared
    parser.StartElementHandler = stop
    try:
        with open(path, "rb") as fh:
            parser.ParseFile(fh)
    except _RootReached:
        pass
    except expat.ExpatError:
        return  # not well-formed: rdflib reports the error with its position
    if entities:
        _check_expansion(path, entities)


def _check_expansion(path: Path, entities: dict[str, str]) -> None:
    """Bound what the references to the (non-nested) entities would add when expanded."""
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    added = 0
    for match in re.finditer(r"&([A-Za-z_][\w.-]*);", text):
        added += len(entities.get(match.group(1), ""))
        if added > MAX_EXPANSION:
            raise InputError(
                f"{path}: refusing to expand entities: their references would add more than "
                f"{MAX_EXPANSION >> 20} MB to the document (an 'entity bomb'); write the values out"
            )
