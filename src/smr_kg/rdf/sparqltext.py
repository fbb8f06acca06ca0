"""SPARQL query text, read just far enough to bind parameters on engines we cannot hand terms to.

An embedded engine takes parameters as RDF terms (pyoxigraph ``substitutions``, rdflib
``initBindings``). A remote endpoint only takes text, so parameters travel as a ``VALUES`` block
placed first in the query's top-level group: the standard SPARQL 1.1 way to bind variables (the
form each query header documents for other stores), and the same solutions as pre-binding under
the rules of docs/queries.md. Every value is written as a SPARQL term by :func:`sparql_term`,
which refuses anything that could end the term early, so a value can never become query text.

Finding that first brace needs a tokenizer, not a regex over the text: braces also occur in
comments, strings and IRIs, and in ``EXISTS { }`` inside SELECT expressions. The tokenizer here
knows exactly those lexical forms of the SPARQL 1.1 grammar (comments, the four string forms,
IRIREF) and nothing more; anything it cannot place is refused rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache

from ..errors import InputError

TYPE_CHECKING = False  # typing's constant without importing typing (4 ms of a fast query)
if TYPE_CHECKING:
    from .terms import Term

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''
              |\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'
              |"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<brace>[{}])
  | (?P<paren>[()])
  | (?P<word>[A-Za-z_][A-Za-z0-9_-]*)
  | (?P<space>\s+)
  | (?P<other>.)
    """,
    re.S | re.X,
)
_IRI_FORBIDDEN = re.compile(r'[<>"{}|^`\\\x00-\x20]')
_LANGUAGE = re.compile(r"^[A-Za-z]+(-[A-Za-z0-9]+)*$")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _tokens(text: str) -> Iterator[tuple[str, str, int, int]]:
    """(kind, text, start, end) of every token; comments and spaces included."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        yield kind, match.group(), match.start(), match.end()


def is_iri(text: str) -> bool:
    """An absolute IRI that can be written as a SPARQL IRIREF (scheme, no forbidden character)."""
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S", text)) and not _IRI_FORBIDDEN.search(text)


@lru_cache(maxsize=128)
def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first such keyword outside the prologue.

    A word directly followed by ``:`` is a prefix name (``PREFIX ask: <…>``), not a keyword.
    """
    for kind, token, _, end in _tokens(text):
        if kind == "word" and token.upper() in FORMS and not text.startswith(":", end):
            return token.upper()
        if kind == "word" and token.upper() in ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP",
                                                  "COPY", "MOVE", "ADD", "WITH") and not text.startswith(":", end):
            return "UPDATE"
    raise InputError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE found")


def sparql_term(term: Term) -> str:
    """``term`` in SPARQL syntax, or :class:`InputError` if it cannot be written safely.

    IRIs must not contain a character that IRIREF forbids (that would end the IRI early). In
    literals, backslash, quote and line breaks are escaped, so the string cannot close early.
    SPARQL 1.1 (section 19.2) lets an engine decode ``\\uXXXX`` anywhere in the text before
    parsing, and engines differ on whether ``\\\\u0022`` is an escaped backslash or a quote: so
    the ``u`` after a backslash of the value is itself written as ``\\U00000075`` (eight digits:
    rdflib's decoder takes up to eight), which reads back as the value's own characters however
    the engine decodes. Blank nodes cannot be bound.
    """
    from .terms import IRI, BNode, Literal, as_term

    try:
        term = as_term(term)
    except TypeError:
        raise InputError(f"cannot bind {term!r}: not an RDF term") from None
    if isinstance(term, IRI):
        if _IRI_FORBIDDEN.search(str(term)):
            raise InputError(f"cannot bind <{term}>: it is not a valid IRI")
        return f"<{term}>"
    if isinstance(term, Literal):
        body = '"' + _escape(str(term)) + '"'
        if term.language:
            if not _LANGUAGE.match(term.language):
                raise InputError(f"cannot bind a literal with language tag {term.language!r}")
            return f"{body}@{term.language}"
        if term.datatype is not None:
            return f"{body}^^{sparql_term(IRI(term.datatype))}"
        return body
    if isinstance(term, BNode):
        raise InputError("cannot bind a blank node on a SPARQL endpoint (VALUES takes IRIs and literals)")
    raise InputError(f"cannot bind {term!r}: not an RDF term")


def _escape(text: str) -> str:
    out = []
    for i, char in enumerate(text):
        if i and text[i - 1] == "\\" and char in "uU":
            out.append("\\U00000075" if char == "u" else "\\U00000055")
        else:
            out.append(_ESCAPES.get(char, char))
    return "".join(out)


def inject_values(text: str, bindings: Mapping[str, Term]) -> str:
    """``text`` with one ``VALUES ?name { term }`` line per binding, first in the WHERE group.

    Only SELECT and ASK are bound (for CONSTRUCT the first brace is the template). A WHERE group
    that is itself a sub-select is wrapped in braces, as the grammar requires.
    """
    if not bindings:
        return text
    form = query_form(text)
    if form not in ("SELECT", "ASK"):
        raise InputError(f"parameters can only be bound in SELECT and ASK queries, not {form}")
    lines = []
    for name, term in sorted(bindings.items()):
        if not _VARIABLE.match(name):
            raise InputError(f"cannot bind {name!r}: not a SPARQL variable name")
        lines.append(f"VALUES ?{name} {{ {sparql_term(term)} }}")
    block = "\n" + "\n".join(lines) + "\n"
    opening, subselect, closing = _where_group(text)
    if subselect:
        return text[: opening + 1] + block + "{" + text[opening + 1 : closing] + "}" + text[closing:]
    return text[: opening + 1] + block + text[opening + 1 :]


@lru_cache(maxsize=128)
def _where_group(text: str) -> tuple[int, bool, int]:
    """Offsets of the WHERE group's braces and whether its body is a sub-select (read once per
    text: a concept card runs a few query texts ~30 times with different bindings)."""
    depth_paren, opening, depth, first_word = 0, None, 0, None
    for kind, token, start, end in _tokens(text):
        if opening is None:
            if kind == "paren":
                depth_paren += 1 if token == "(" else -1
            elif kind == "brace" and token == "{" and depth_paren == 0:
                opening, depth = start, 1
            continue
        if kind == "brace":
            depth += 1 if token == "{" else -1
            if depth == 0:
                return opening, first_word == "SELECT", start
        if first_word is None and kind not in ("comment", "space"):
            first_word = token.upper()
    raise InputError("cannot bind parameters: the query has no complete WHERE { … } group")



def split_order_by(text: str) -> tuple[str, list[tuple[str, bool]]] | None:
    """``text`` without its final ``ORDER BY``, and the keys it had as (variable, descending).

    Only a final clause of plain keys (``?v``, ``ASC(?v)``, ``DESC(?v)``) outside every group,
    with nothing after it but spaces and comments (no LIMIT, OFFSET or VALUES), is split off;
    anything else gives None and the engine orders the rows itself.
    """
    tokens = [t for t in _tokens(text) if t[0] not in ("comment", "space")]
    depth, start = 0, None
    for index, (kind, token, _, _) in enumerate(tokens):
        if kind == "brace":
            depth += 1 if token == "{" else -1
        elif depth == 0 and kind == "word" and token.upper() == "ORDER" and index + 1 < len(tokens) \
                and tokens[index + 1][1].upper() == "BY":
            start = index
    if start is None:
        return None
    keys: list[tuple[str, bool]] = []
    rest = [token for _, token, _, _ in tokens[start + 2:]]
    while rest:
        descending = False
        if rest[0].upper() in ("ASC", "DESC") and len(rest) >= 5 and rest[1] == "(" and rest[4] == ")":
            descending, rest = rest[0].upper() == "DESC", rest[2:4] + rest[5:]
        if len(rest) < 2 or rest[0] not in ("?", "$") or not _VARIABLE.match(rest[1]):
            return None
        keys.append((rest[1], descending))
        rest = rest[2:]
    return (text[: tokens[start][2]], keys) if keys else None
