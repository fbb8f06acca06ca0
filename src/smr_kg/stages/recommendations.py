"""Recommendations tables: guideline recommendations as graded records, one row each.

A guideline recommendation is a graded statement of one society: its class and level mean what
that society's scale says, and nothing else. ACC/AHA "2a" and ESC "IIa" are different concepts of
different schemes (``smr:ACCAHAGradingScheme``, ``smr:ESCGradingScheme``), never mapped onto
each other; a row writes the grade *as printed* and the guideline says which scheme it grades on
(``smr:gradingScheme``), so "2a" in a row of an ESC guideline is refused rather than translated.
A grade that could not be read in the guideline's own text is written ``not verified`` and the
row says why in ``grade_note`` (wrong is worse than missing). The table is
``ontology/recommendations.tsv``; users add their own with ``--input``:

=================  ===========================================================================
column             meaning
=================  ===========================================================================
``id``             the record's name (``Rec2025TEERVentricular`` -> ``smr:Rec2025TEERVentricular``)
``label``          a short English label naming the guideline and the clinical setting
``guideline``      the guideline that issued it (an evidence source with ``smr:gradingScheme``)
``section``        where it was read: section, table and page as printed
``intervention``   the recommended therapy classes (``|``-separated CURIEs)
``condition``      the condition class it is for
``severity``       the severity it requires, judged by *its own guideline's* definition (a class
                   under smr:SecondaryMitralRegurgitation, e.g. smr:SevereSecondaryMitralRegurgitation
                   for an ESC row on "severe ventricular SMR"), if the condition does not say it
``class``          the class of recommendation on the guideline's own scale, or ``not verified``
``level``          the level of evidence, likewise
``grade_note``     why a grade is not verified (required then)
``statement``      the recommendation's text
``statement_kind`` ``verbatim`` (the guideline's words) or ``paraphrase``
``quote``          the guideline's words (<= 300 characters; for a verbatim statement, part of it)
``status``         ``current`` or ``superseded``
``superseded_by``  for a superseded record, the guideline that replaced it
``criteria``       eligibility criteria the recommendation names (``|``-separated CURIEs)
``trials``         the trials it rests on (evidence sources)
``see_also``       other sources worth reading, e.g. a discordant trial
``evidence``       one ECO evidence type (``ECO:0000304``)
``note``           the curator's note
=================  ===========================================================================

The compiled records keep the model the queries and the patients code read (``smr:Recommendation``
with ``smr:classOfRecommendation`` / ``smr:levelOfEvidence`` individuals carrying ``skos:notation``).
A bad row is reported as ``FILE:ROW: column 'NAME': ...`` and nothing is built.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from ..rdf.namespaces import SMR
from ..rdf.triples import Triple, TripleSet
from .rows import Row, Terms, unique_records

COLUMNS = ("id", "label", "guideline", "section", "intervention", "condition", "severity", "class", "level",
           "grade_note", "statement", "statement_kind", "quote", "status", "superseded_by", "criteria",
           "trials", "see_also", "evidence", "note")
REQUIRED = ("id", "label", "guideline", "intervention", "condition", "class", "level", "statement",
            "statement_kind", "status", "evidence")
NOT_VERIFIED = "not verified"
STATUSES = {"current": SMR.Current, "superseded": SMR.Superseded}
STATEMENT_KINDS = ("verbatim", "paraphrase")
MAX_QUOTE = 300
_TEXT = (("section", SMR.sourceLocation), ("statement_kind", SMR.statementKind), ("quote", SMR.verbatimQuote),
         ("grade_note", SMR.gradeNote), ("note", SMR.curationNote))
_LINKS = (("criteria", SMR.hasCriterion, "criteria"), ("trials", SMR.supportedByTrial, "sources"),
          ("see_also", RDFS.seeAlso, "sources"))


def compile_recommendations(graph: Graph | TripleSet, rows: list[Row]) -> TripleSet:
    """The recommendations of ``rows`` as RDF, checked against ``graph`` (the guidelines, their
    grading schemes and grades, the therapy and condition classes, criteria and trials)."""
    return _Compiler(graph).compile(rows)


class _Compiler:
    """Checks rows against the graph and writes their records."""

    def __init__(self, graph: Graph | TripleSet) -> None:
        self.terms = terms = Terms(graph)
        self.graph = graph
        self.guidelines = terms.instances(SMR.Guideline)
        self.criteria = terms.instances(SMR.EligibilityCriterion)
        self.allowed = {"criteria": self.criteria, "sources": terms.sources}
        self.therapies = terms.below(SMR.Therapy)
        self.conditions = terms.below(SMR.Condition)
        self.severities = terms.below(SMR.SecondaryMitralRegurgitation)
        # (scheme, kind) -> notation -> grade individual
        self.grades: dict[tuple[URIRef, URIRef], dict[str, URIRef]] = {}
        for kind in (SMR.ClassOfRecommendation, SMR.LevelOfEvidence):
            for grade in graph.subjects(RDF.type, kind):
                scheme, notation = graph.value(grade, SKOS.inScheme), graph.value(grade, SKOS.notation)
                if isinstance(grade, URIRef) and isinstance(scheme, URIRef) and notation is not None:
                    self.grades.setdefault((scheme, kind), {})[str(notation)] = grade

    def compile(self, rows: list[Row]) -> TripleSet:
        out: list[Triple] = []
        for row, record in unique_records(rows, "Rec2025TEER"):
            self._write(out, row, record)
        return TripleSet(out)

    def _write(self, out: list[Triple], row: Row, record: URIRef) -> None:
        term = self.terms.term
        guideline = term(row, "guideline", self.guidelines, "guideline (an smr:Guideline source)")
        scheme = self.graph.value(guideline, SMR.gradingScheme)
        if not isinstance(scheme, URIRef):
            raise row.fail("guideline", f"{row.text('guideline')} does not say which grading scheme it uses "
                                        "(add smr:gradingScheme to the guideline)")
        cor = self._grade(row, "class", scheme, SMR.ClassOfRecommendation)
        loe = self._grade(row, "level", scheme, SMR.LevelOfEvidence)
        if NOT_VERIFIED in (row.text("class"), row.text("level")) and not row.text("grade_note"):
            raise row.fail("grade_note", "a grade that is not verified needs a grade note saying why")
        status = STATUSES.get(row.text("status"))
        if status is None:
            raise row.fail("status", f"unknown status {row.text('status')!r} (use current or superseded)")
        self._check_statement(row)
        evidence = term(row, "evidence", self.terms.evidence_types, "evidence type (ECO class under smr:EvidenceType)")
        interventions = [term(row, "intervention", self.therapies, "therapy class", v) for v in row.values("intervention")]
        if not interventions:
            raise row.fail("intervention", "empty cell")
        condition = term(row, "condition", self.conditions, "condition class")
        out += [
            (record, RDF.type, OWL.NamedIndividual),
            (record, RDF.type, SMR.Recommendation),
            (record, RDFS.label, Literal(row.text("label"), lang="en")),
            (record, SMR.recommendationStatus, status),
            (record, SMR.statementText, Literal(row.text("statement"))),
            (record, SMR.forCondition, condition),
            (record, SMR.classOfRecommendation, cor),
            (record, SMR.levelOfEvidence, loe),
            (record, DCTERMS.source, guideline),
            (record, SMR.evidenceType, evidence),
        ]
        out += [(record, SMR.recommendedIntervention, t) for t in interventions]
        if row.text("severity"):
            out.append((record, SMR.requiresSeverity, term(row, "severity", self.severities, "severity class")))
        replaced_by = row.text("superseded_by")
        if status == SMR.Superseded and not replaced_by:
            raise row.fail("superseded_by", "a superseded recommendation names the guideline that replaced it")
        if replaced_by:
            if status != SMR.Superseded:
                raise row.fail("superseded_by", "only a superseded recommendation is superseded by a guideline")
            out.append((record, SMR.supersededBy, term(row, "superseded_by", self.guidelines, "guideline")))
        for column, prop, allowed in _LINKS:
            kind = "eligibility criterion" if allowed == "criteria" else "evidence source"
            out += [(record, prop, term(row, column, self.allowed[allowed], kind, v)) for v in row.values(column)]
        out += [(record, prop, Literal(row.text(column))) for column, prop in _TEXT if row.text(column)]

    def _grade(self, row: Row, column: str, scheme: URIRef, kind: URIRef) -> URIRef:
        """The grade individual of ``scheme`` whose notation is the cell, exactly as printed."""
        notations = self.grades.get((scheme, kind), {})
        grade = notations.get(row.text(column))
        if grade is None:
            scale = self.terms.label(scheme)
            rank = {n: int(str(self.terms.value(g, SMR.rank) or 99)) for n, g in notations.items()}
            known = ", ".join(repr(n) for n in sorted(notations, key=lambda n: (n == NOT_VERIFIED, rank[n], n)))
            raise row.fail(column, f"{row.text(column)!r} is not a {'class' if column == 'class' else 'level'} "
                                   f"of the {scale}, on which {row.text('guideline')} grades "
                                   f"(use {known})")
        return grade

    def _check_statement(self, row: Row) -> None:
        kind, quote, statement = row.text("statement_kind"), row.text("quote"), row.text("statement")
        if not statement:
            raise row.fail("statement", "empty cell")
        if kind not in STATEMENT_KINDS:
            raise row.fail("statement_kind", f"unknown kind {kind!r} (use verbatim or paraphrase)")
        if len(quote) > MAX_QUOTE:
            raise row.fail("quote", f"{len(quote)} characters; a quote is at most {MAX_QUOTE}")
        if kind == "verbatim" and not quote:
            raise row.fail("quote", "a verbatim statement needs the quote it was read as")
        if kind == "verbatim" and quote not in statement:
            raise row.fail("quote", "the quote of a verbatim statement must be part of the statement")


__all__ = ["COLUMNS", "NOT_VERIFIED", "REQUIRED", "compile_recommendations"]
