"""Trial-results tables: what a trial measured, as numbers a query can compare, one row per result.

A trial report says "hazard ratio, 0.53; 95% CI, 0.40 to 0.70". In a curation note that is prose
nobody can query; here it is one row of a trial-results table (``ontology/trial-results.tsv``;
users add their own with ``--input``), compiled into an ``smr:TrialResult`` individual whose
estimate and confidence bounds are ``xsd:decimal`` literals:

==================  ===========================================================================
column              meaning
==================  ===========================================================================
``id``              the result's stable name (``result-coapt2018-hfh`` -> ``smr:result-...``)
``trial``           the publication that reports it (an ``smr:ClinicalTrialReport`` source)
``design``          e.g. ``randomised open-label``
``n``               patients randomised (a positive whole number)
``population``      who was enrolled, with the trial's numeric entry criteria as text
``intervention``    the therapy class tested (a class below ``smr:Therapy``)
``comparator``      a therapy class, or text such as ``standard pharmacological therapy alone``
``endpoint``        what was measured (text, as the paper names it)
``primary``         ``yes`` when it is the trial's (or the report's) primary end point
``follow_up``       e.g. ``24 months``
``measure``         HR | RR | OR | rate ratio | risk difference | mean difference
``estimate``        the point estimate; ``ci_low`` / ``ci_high`` its 95% confidence bounds
``p``               the P value as printed: ``0.39`` or ``<0.001`` (optional)
``quote``           the sentence of the source that states the numbers, verbatim, <= 300 chars
``quote_location``  where the quote stands: abstract, results, a table
``evidence``        one ECO evidence type (``ECO:0000304``)
``see_also``        sources or claim records to read with it (``|``-separated), e.g. the
                    proportionality hypothesis that reconciles discordant trials
``note``            the curator's note
==================  ===========================================================================

A row is refused, as ``FILE:ROW: column 'NAME': ...``, when a number is not a number, the
interval does not contain the estimate, a ratio is not positive, the quote is missing, too long
or does not itself state the estimate and both bounds (so that a typo in a number cannot pass
review unseen), or a term is unknown. Nothing is built unless every row is good.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, XSD

from ..rdf.namespaces import SMR
from ..rdf.triples import Triple, TripleSet
from .rows import Row, Terms, unique_records

COLUMNS = ("id", "trial", "design", "n", "population", "intervention", "comparator", "endpoint", "primary",
           "follow_up", "measure", "estimate", "ci_low", "ci_high", "p", "quote", "quote_location",
           "evidence", "see_also", "note")
REQUIRED = ("id", "trial", "intervention", "endpoint", "measure", "estimate", "ci_low", "ci_high", "quote")
"""The columns that make a table a trial-results table (no other kind has ``estimate``)."""

MEASURES: dict[str, tuple[str, bool]] = {
    "hr": ("hazard ratio", True),
    "rr": ("relative risk", True),
    "or": ("odds ratio", True),
    "rate ratio": ("rate ratio", True),
    "risk difference": ("risk difference", False),
    "mean difference": ("mean difference", False),
}
"""Accepted ``measure`` words: the name recorded, and whether it is a ratio (must be > 0)."""

MAX_QUOTE = 300
_TEXT_COLUMNS = (("design", SMR.studyDesign), ("population", SMR.population), ("endpoint", SMR.endpoint),
                 ("follow_up", SMR.followUp), ("quote_location", SMR.quoteLocation), ("note", SMR.curationNote))


def compile_results(graph: Graph | TripleSet, rows: list[Row]) -> TripleSet:
    """The results of ``rows`` as ``smr:TrialResult`` individuals, checked against ``graph`` (the
    RDF and the claim records they refer to)."""
    terms = Terms(graph)
    trials = terms.instances(SMR.ClinicalTrialReport)
    therapies = terms.below(SMR.Therapy)
    see_also = terms.sources | terms.instances(SMR.Claim)
    out: list[Triple] = []
    for row, result in unique_records(rows, "result-coapt2018-hfh"):
        trial = terms.term(row, "trial", trials, "clinical trial report (an smr:ClinicalTrialReport source)")
        measure, estimate, low, high = _numbers(row)
        quote = _quote(row, (estimate, low, high))
        evidence = terms.term(row, "evidence", terms.evidence_types, "evidence type (ECO class under smr:EvidenceType)")
        label = f"{terms.label(trial)}: {row.text('endpoint')} ({row.text('measure')} {row.text('estimate')})"
        out += [
            (result, RDF.type, OWL.NamedIndividual),
            (result, RDF.type, SMR.TrialResult),
            (result, RDFS.label, Literal(label, lang="en")),
            (result, DCTERMS.source, trial),
            (result, SMR.evidenceType, evidence),
            (result, SMR.effectMeasure, Literal(measure)),
            (result, SMR.effectEstimate, number(estimate)),
            (result, SMR.ciLower, number(low)),
            (result, SMR.ciUpper, number(high)),
            (result, SMR.quote, Literal(quote)),
            (result, SMR.trialIntervention, terms.term(row, "intervention", therapies, "therapy class")),
        ]
        if row.text("comparator"):
            out.append((result, SMR.trialComparator, _comparator(terms, row, therapies)))
        out += _optional_numbers(row, result)
        out += [(result, RDFS.seeAlso, terms.term(row, "see_also", see_also, "evidence source or claim", v))
                for v in row.values("see_also")]
        out += [(result, prop, Literal(row.text(column))) for column, prop in _TEXT_COLUMNS if row.text(column)]
    return TripleSet(out)


def decimal(row: Row, column: str, text: str | None = None) -> Decimal:
    """The cell (or ``text`` from it) as a decimal number, written as a paper prints it (``0.53``)."""
    text = row.text(column) if text is None else text
    if not text:
        raise row.fail(column, "empty cell (a number is required)")
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or not re.fullmatch(r"-?\d+(\.\d+)?", text):
        raise row.fail(column, f"{text!r} is not a number (write it as printed, e.g. 0.53)")
    return value


def number(value: Decimal) -> Literal:
    """``value`` as an ``xsd:decimal`` in its canonical form (``0.70`` -> ``0.7``, ``1.0`` -> ``1``),
    the form SPARQL stores such as Oxigraph keep, so every engine returns the same term."""
    return Literal(format(value.normalize(), "f"), datatype=XSD.decimal)


def _numbers(row: Row) -> tuple[str, Decimal, Decimal, Decimal]:
    """The measure's name, the estimate and its interval, which must contain it."""
    word = row.text("measure").lower()
    if word not in MEASURES:
        raise row.fail("measure", f"unknown measure {row.text('measure')!r} (use one of HR, RR, OR, rate ratio, "
                                  "risk difference, mean difference)")
    measure, ratio = MEASURES[word]
    estimate, low, high = decimal(row, "estimate"), decimal(row, "ci_low"), decimal(row, "ci_high")
    if ratio:
        for column, value in (("estimate", estimate), ("ci_low", low), ("ci_high", high)):
            if value <= 0:
                raise row.fail(column, f"a {measure} is greater than 0, not {value}")
    if low > high:
        raise row.fail("ci_low", f"the lower bound {low} is above the upper bound {high}")
    if not low <= estimate <= high:
        raise row.fail("estimate", f"the 95% CI {low} to {high} does not contain the estimate {estimate}")
    return measure, estimate, low, high


def _quote(row: Row, numbers: tuple[Decimal, ...]) -> str:
    quote = row.text("quote")
    if not quote:
        raise row.fail("quote", "every result needs the source's own words for its numbers (empty cell)")
    if len(quote) > MAX_QUOTE:
        raise row.fail("quote", f"{len(quote)} characters; quote at most {MAX_QUOTE}")
    for column, value in zip(("estimate", "ci_low", "ci_high"), numbers):
        if not re.search(rf"(?<![\d.]){re.escape(row.text(column))}(?![\d])", quote):
            raise row.fail(column, f"{value} is not in the quote: the quote must state the estimate and both bounds")
    if not row.text("quote_location"):
        raise row.fail("quote_location", "say where the quote stands (abstract, results, table ...)")
    return quote


def _comparator(terms: Terms, row: Row, therapies: set[URIRef]) -> URIRef | Literal:
    """A therapy class when the cell is a CURIE or IRI, otherwise the comparator in words."""
    text = row.text("comparator")
    if " " in text or ":" not in text:
        return Literal(text)
    return terms.term(row, "comparator", therapies, "therapy class (or write the comparator in words)")


def _optional_numbers(row: Row, result: URIRef) -> list[Triple]:
    """``n``, ``primary`` and ``p``, when given."""
    out: list[Triple] = []
    if row.text("n"):
        if not re.fullmatch(r"[1-9]\d*", row.text("n")):
            raise row.fail("n", f"{row.text('n')!r} is not a number of patients (a whole number above 0)")
        out.append((result, SMR.sampleSize, Literal(int(row.text("n")), datatype=XSD.integer)))
    if row.text("primary"):
        word = row.text("primary").lower()
        if word not in ("yes", "no"):
            raise row.fail("primary", f"{row.text('primary')!r}: write yes or no")
        out.append((result, SMR.primaryEndpoint, Literal(word == "yes")))
    if row.text("p"):
        text = row.text("p")
        below = text.startswith("<")
        value = decimal(row, "p", text.lstrip("<").strip())
        if not 0 <= value <= 1:
            raise row.fail("p", f"a P value is between 0 and 1, not {text}")
        out.append((result, SMR.pValueBelow if below else SMR.pValue, number(value)))
    return out


__all__ = ["COLUMNS", "MEASURES", "REQUIRED", "compile_results", "decimal", "number"]
