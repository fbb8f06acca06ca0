"""RDF terms as every store gives them back: small ``str`` subclasses, one canonical literal form.

Why not rdflib's terms: importing rdflib costs ~60 ms, several times a whole ``smr-kg query``
(the CLI's budget is about six times ``python -c pass``), and results are read far more often
than graphs are built. These types carry what callers use -- the text, a literal's language
tag and datatype -- and compare like rdflib's: an :class:`IRI` equals only an IRI with the same
text, never a plain ``str``, a :class:`Literal` or a :class:`BNode` of the same text.

Literals come in one form whichever engine produced them (:func:`literal`): RDF 1.1 makes a
simple literal an xsd:string (rdflib keeps them apart), language tags are case-insensitive
(oxigraph lower-cases them), and numbers have many lexical forms (oxigraph writes ``50.0`` as
``50``, rdflib keeps what the file said). The compliance suite compares engines row by row, so
this one form is what makes their answers comparable.

Code that builds graphs with rdflib converts at its edge with :func:`to_rdflib` and
:func:`from_rdflib` (rdflib is imported only there).
"""

from __future__ import annotations

import math

TYPE_CHECKING = False  # typing's constant without importing typing (4 ms of a fast query)
if TYPE_CHECKING:
    from typing import cast as known
else:
    def known(_type, value):
        """``value`` as the type its caller knows it has: ``typing.cast`` without importing
        typing. For result rows whose columns the query itself constrains (``FILTER(isIRI(?x))``,
        a fixed VALUES list), which the row type ``tuple[Term | None, ...]`` cannot say."""
        return value

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
_INTEGER_TYPES = frozenset(
    XSD + name
    for name in (
        "integer", "long", "int", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort",
        "unsignedByte",
    )
)


class _Node(str):
    """A named or blank node: equal only to a node of the same class and text."""

    __slots__ = ()
    __hash__ = str.__hash__

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__ and str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({str.__repr__(self)})"


class IRI(_Node):
    """An IRI (a named node)."""

    __slots__ = ()


class BNode(_Node):
    """A blank node, by the label its store gave it."""

    __slots__ = ()


class Literal(str):
    """A literal: its lexical form (the ``str`` value), language tag and datatype IRI.

    A simple literal (an xsd:string) has neither; a language-tagged one has no datatype, as in
    rdflib. Build them with :func:`literal` to get the canonical form.
    """

    __hash__ = str.__hash__
    language: str | None
    datatype: IRI | None

    def __new__(cls, lexical: str, language: str | None = None, datatype: IRI | None = None) -> "Literal":
        self = str.__new__(cls, lexical)
        self.language = language
        self.datatype = datatype
        return self

    def __eq__(self, other: object) -> bool:
        return (other.__class__ is Literal and str.__eq__(self, other)
                and self.language == other.language and self.datatype == other.datatype)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __reduce__(self):
        return Literal, (str(self), self.language, self.datatype)

    def __repr__(self) -> str:
        extra = f", language={self.language!r}" if self.language else ""
        extra += f", datatype={self.datatype!r}" if self.datatype else ""
        return f"Literal({str.__repr__(self)}{extra})"


Term = IRI | BNode | Literal
"""Any RDF term a result row can hold (None stands for an unbound variable)."""


def literal(lexical: str, language: str | None = None, datatype: str | None = None) -> Literal:
    """The canonical :class:`Literal` for a lexical form with a language tag or a datatype."""
    if language:
        return Literal(lexical, language.lower())
    if datatype is None or datatype == XSD_STRING:
        return Literal(lexical)
    try:
        if datatype in _INTEGER_TYPES:
            lexical = str(int(lexical.strip()))
        elif datatype == XSD + "decimal":
            lexical = _decimal_lexical(lexical)
        elif datatype in (XSD + "double", XSD + "float"):
            lexical = _double_lexical(float(lexical.strip()))
        elif datatype == XSD + "boolean":
            lexical = {"1": "true", "0": "false"}.get(lexical.strip(), lexical.strip())
    except (ValueError, ArithmeticError):
        pass  # an ill-typed literal keeps its lexical form
    return Literal(lexical, None, datatype if datatype.__class__ is IRI else IRI(datatype))


def _decimal_lexical(text: str) -> str:
    from decimal import Decimal

    value = Decimal(text.strip())
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def _double_lexical(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    return repr(value)


def from_rdflib(node) -> Term | None:
    """An rdflib term (or None) as a light term, literals in the canonical form."""
    if node is None:
        return None
    from rdflib import BNode as RBNode, Literal as RLiteral, URIRef

    if isinstance(node, URIRef):
        return IRI(node)
    if isinstance(node, RBNode):
        return BNode(node)
    if isinstance(node, RLiteral):
        return literal(str(node), node.language, str(node.datatype) if node.datatype is not None else None)
    raise TypeError(f"not an RDF term: {node!r}")


def to_rdflib(term: Term | None):
    """A light term (or None) as the rdflib term, for code that builds graphs with rdflib."""
    if term is None:
        return None
    from rdflib import BNode as RBNode, Literal as RLiteral, URIRef

    if isinstance(term, IRI):
        return URIRef(term)
    if isinstance(term, BNode):
        return RBNode(term)
    if isinstance(term, Literal):
        if term.language:
            return RLiteral(str(term), lang=term.language)
        return RLiteral(str(term), datatype=URIRef(term.datatype) if term.datatype else None)
    raise TypeError(f"not a light RDF term: {term!r}")


def as_term(value) -> Term:
    """``value`` as a light term: light terms pass through, rdflib terms are converted (callers
    that build with rdflib may bind their own terms)."""
    if value.__class__ in (IRI, BNode, Literal):
        return value
    if type(value).__module__.startswith("rdflib"):
        term = from_rdflib(value)
        if term is not None:  # always: None is not an rdflib term
            return term
    raise TypeError(f"not an RDF term: {value!r}")


__all__ = ["BNode", "IRI", "Literal", "Term", "as_term", "from_rdflib", "known", "literal", "to_rdflib"]
