"""Keep a user's SPARQL off the network: refuse ``SERVICE``, ``FROM`` of graphs the store does not
hold, and updates such as ``LOAD``, unless the user opts in (``smr-kg query --allow-network``).

Why: both engines dereference IRIs on their own -- oxigraph and rdflib call a ``SERVICE``
endpoint over HTTP, and rdflib downloads a ``FROM <iri>`` graph -- so a query file from
elsewhere could make smr-kg, which promises to work offline, open connections. The check reads
the query's algebra (rdflib's SPARQL parser, which both engines' dialects share for these
clauses), not its text, so an IRI or a string that merely contains the word "service" passes.
A query is parsed only when SERVICE, FROM or LOAD occur as words outside its strings, IRIs and
comments (the named queries mention "from" only in comments, and parsing costs ~0.3 s); when
rdflib cannot parse a query that oxigraph might accept, that lexical finding decides.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from ..errors import BAD_INPUT, SmrKgError

_LEXEMES = re.compile(
    r"\\.|"
    r'"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>' r"|#[^\n]*",
    re.S,
)
_KEYWORD = re.compile(r"(?i)(?<![\w:?$])(SERVICE|FROM|LOAD)(?![\w:])")
_UPDATE = re.compile(r"(?i)(?<![\w:?$])(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY)(?![\w:])")


class NetworkRefused(SmrKgError):
    """The query would reach outside the store (exit code 2: bad input unless allowed)."""

    def __init__(self, message: str) -> None:
        super().__init__(f"{message}; smr-kg does not use the network unless asked (--allow-network)",
                         exit_code=BAD_INPUT)


def check(query: str, graph_names: Callable[[], Iterable[str]], engine: str) -> None:
    """Raise :class:`NetworkRefused` (or an update error) if ``query`` would leave the store."""
    if _mentions_update(query):
        from rdflib.plugins.sparql.parser import parseUpdate

        _refuse_update(query, parseUpdate)
    if not _mentions_network(query):
        return
    from pyparsing import ParseException
    from rdflib.plugins.sparql.algebra import translateQuery, traverse
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        algebra = translateQuery(parseQuery(query)).algebra
    except ParseException:
        _refuse_update(query, parseUpdate)
        if engine != "rdflib":
            raise NetworkRefused("the query uses SERVICE or FROM in a form smr-kg cannot check") from None
        return  # the engine reports the syntax error itself, with line and column
    except Exception:  # rdflib rejects some valid queries in translation; the engine will judge them
        return
    services: list[str] = []

    def visit(node: object) -> None:
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            services.append(str(node.get("term")))

    traverse(algebra, visit)
    if services:
        raise NetworkRefused(f"the query calls SERVICE <{services[0]}>")
    # CompValue.get returns the key itself for a missing key, so membership decides FROM vs FROM NAMED
    dataset = [("FROM NAMED", clause["named"]) if "named" in clause else ("FROM", clause["default"])
               for clause in algebra.get("datasetClause") or ()]
    if dataset:
        known = set(graph_names())
        unknown = [(kind, str(iri)) for kind, iri in dataset if str(iri) not in known]
        if unknown:
            kind, iri = unknown[0]
            raise NetworkRefused(
                f"the query reads {kind} <{iri}>, which is not a graph of the store (the built "
                f"graph is the default graph: drop the {kind} clause)"
            )


@lru_cache(maxsize=128)
def _mentions_network(query: str) -> bool:
    """SERVICE, FROM or LOAD as a word outside strings, IRIs and comments (read once per text:
    a concept card runs a few query texts ~30 times with different bindings)."""
    return bool(_KEYWORD.search(_LEXEMES.sub(" ", query)))


@lru_cache(maxsize=128)
def _mentions_update(query: str) -> bool:
    """An update keyword (INSERT, DELETE, DROP ...) as a word outside strings, IRIs and comments."""
    return bool(_UPDATE.search(_LEXEMES.sub(" ", query)))


def _refuse_update(query: str, parse_update: Callable[[str], object]) -> None:
    """A SPARQL update (``LOAD <iri>``, ``INSERT`` ...) is refused by name, not as a syntax error."""
    try:
        parse_update(query)
    except Exception:
        return
    raise SmrKgError("the query is a SPARQL update (e.g. LOAD, INSERT, DROP): smr-kg runs only SELECT "
                     "and ASK queries and never changes or loads into the store", exit_code=BAD_INPUT)
