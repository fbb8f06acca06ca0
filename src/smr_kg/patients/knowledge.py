"""Everything patient evaluation needs from the built graph, read once through one module.

Causes, their mechanism chains (with the status and evidence of every step), the codes that link
records to concepts, the guideline recommendations with their criteria and citations, and the
observables' data-entry guards are read here with SPARQL over :class:`~smr_kg.store.Store` and
turned into plain, picklable Python values (:class:`Knowledge`): the embedded engine evaluates
100,000 patients without touching the store again, and Spark ships the same object to its
workers. When the graph's model changes (claims with a status, issue 9), this is the module to
adapt; evaluation code never sees SPARQL.

Claim status: every causal step has the status of its claim record (``established``,
``tentative``; held-out ``contested``, ``hypothesis``, ``unsupported`` only when asked), read
with the edges through :meth:`smr_kg.knowledge.facts.GraphFacts.assertions`, the project's one reading
of claims and their evidence.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..knowledge.evidence import CAUSAL_PROPERTIES, Assertion
from ..knowledge.facts import GraphFacts, curie, source_json
from ..knowledge.pathways import connected, find_paths
from ..store.base import Store
from ..rdf.terms import IRI, known
from ..rdf.vocab import SKOS, SMR

SMR_CLASS = SMR.SecondaryMitralRegurgitation
CHAMBERS: dict[str, tuple[IRI, IRI]] = {
    "atrial": (SMR.LeftAtrium, SMR.AtrialSecondaryMitralRegurgitation),
    "ventricular": (SMR.LeftVentricle, SMR.VentricularSecondaryMitralRegurgitation),
}
"""Pattern -> (the chamber whose remodelling drives it, the SMR subtype it names). A chain is of a
pattern when it ends in that subtype or one of its mechanisms acts on (a part of) that chamber."""

HELD_OUT = ("contested", "hypothesis", "unsupported")

LINK_PREDICATES = {
    str(SKOS.exactMatch): "exact", str(SKOS.closeMatch): "close",
    str(SKOS.narrowMatch): "descendant", str(SKOS.relatedMatch): "history",
}
"""How a mapping links a record's code to a concept: an exact or close match is the concept's own
code (a close match does not pass on to SNOMED CT descendants: see :mod:`~smr_kg.patients.link`); a narrower code (e.g. STEMI for MI) means the patient has the concept; a related code
(a situation such as "History of myocardial infarction") is a past occurrence, never the current
disorder. A broader code (48724000 *Mitral valve regurgitation* for SMR) links nothing."""

_PREFIXES = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX smr: <https://w3id.org/smr-kg/>
"""

MAPPINGS_QUERY = _PREFIXES + """
# Every code a concept is linked to, with the SKOS relation (exact, close, narrow, related).
SELECT ?concept ?relation ?code WHERE {
  VALUES ?relation { skos:exactMatch skos:closeMatch skos:narrowMatch skos:relatedMatch }
  ?concept ?relation ?code .
  FILTER(isIRI(?concept) && isIRI(?code) && STRSTARTS(STR(?concept), STR(smr:)))
}
"""

STRUCTURES_QUERY = _PREFIXES + """
# Which anatomical structure each mechanism acts on, and which structure each is part of.
SELECT ?s ?p ?o WHERE { VALUES ?p { smr:actsOn smr:partOf } ?s ?p ?o . FILTER(isIRI(?s) && isIRI(?o)) }
"""

RECOMMENDATIONS_QUERY = _PREFIXES + """
# Every recommendation, with its grade, condition, intervention, source, status and criteria (if any).
SELECT ?rec ?label ?cor ?corNotation ?loe ?loeNotation ?condition ?severity ?intervention ?source ?status ?criterion
WHERE {
  ?rec a smr:Recommendation .
  OPTIONAL { ?rec smr:requiresSeverity ?severity }
  OPTIONAL { ?rec smr:hasCriterion ?criterion }
  OPTIONAL { ?rec rdfs:label ?label }
  OPTIONAL { ?rec smr:classOfRecommendation ?cor . OPTIONAL { ?cor skos:notation ?corNotation } }
  OPTIONAL { ?rec smr:levelOfEvidence ?loe . OPTIONAL { ?loe skos:notation ?loeNotation } }
  OPTIONAL { ?rec smr:forCondition ?condition }
  OPTIONAL { ?rec smr:recommendedIntervention ?intervention }
  OPTIONAL { ?rec dcterms:source ?source }
  OPTIONAL { ?rec smr:recommendationStatus ?status }
}
"""

CRITERIA_QUERY = _PREFIXES + """
# Every criterion of a recommendation or a definition: what it constrains and how, or its statement.
SELECT ?criterion ?kind ?label ?observable ?comparator ?value ?unit ?statement ?assessedBy ?source ?threshold ?when
WHERE {
  ?owner smr:hasCriterion ?criterion .
  ?criterion a ?kind .
  FILTER(?kind IN (smr:QuantitativeCriterion, smr:QualitativeCriterion))
  OPTIONAL { ?criterion rdfs:label ?label }
  OPTIONAL { ?criterion smr:criterionObservable ?observable }
  OPTIONAL { ?criterion smr:comparator ?comparator }
  OPTIONAL { ?criterion smr:value ?value }
  OPTIONAL { ?criterion smr:ucumUnit ?unit }
  OPTIONAL { ?criterion smr:statementText ?statement }
  OPTIONAL { ?criterion smr:assessedBy ?assessedBy }
  OPTIONAL { ?criterion dcterms:source ?source }
  OPTIONAL { ?criterion smr:thresholdKind ?threshold }
  OPTIONAL { ?criterion smr:thresholdCondition ?when }
}
"""

DEFINITIONS_QUERY = _PREFIXES + """
# Definitions a record is judged against before a recommendation's criteria (ontology/smr-criteria.ttl):
# what makes SMR severe, or atrial, in each guideline.
SELECT ?definition ?label ?condition ?source ?combination ?criterion WHERE {
  ?definition a smr:EligibilityCriterion ; smr:forCondition ?condition ; smr:hasCriterion ?criterion .
  FILTER NOT EXISTS { ?definition a smr:Recommendation }
  OPTIONAL { ?definition rdfs:label ?label }
  OPTIONAL { ?definition dcterms:source ?source }
  OPTIONAL { ?definition smr:combination ?combination }
}
"""

GUARDS_QUERY = _PREFIXES + """
# Data-entry guards of observables (ontology/smr-patients.ttl): values outside are refused.
SELECT ?observable ?min ?max ?unit WHERE {
  ?observable smr:plausibleMinimum ?min ; smr:plausibleMaximum ?max ; smr:plausibleUnit ?unit .
}
"""


@dataclass(frozen=True)
class Step:
    """One causal step of a chain, with the status and evidence of its claim."""

    subject: str
    predicate: str
    object: str
    status: str
    sources: tuple[str, ...] = ()
    marks: tuple[str, ...] = ()
    inferred: bool = False


@dataclass(frozen=True)
class Chain:
    """A mechanism chain from a cause to SMR (or a subtype), and the pattern it belongs to."""

    steps: tuple[Step, ...]
    patterns: frozenset[str]

    @property
    def held_out(self) -> bool:
        return any(s.status in HELD_OUT for s in self.steps)


@dataclass(frozen=True)
class Criterion:
    """A criterion as data: quantitative (observable, comparator, value, UCUM unit) or a statement."""

    iri: str
    label: str
    quantitative: bool
    observable: str | None = None
    comparator: str | None = None
    value: float | None = None
    unit: str | None = None
    statement: str | None = None
    assessed_by: str | None = None
    sources: tuple[str, ...] = ()
    conditional: str | None = None
    """For a conditional threshold of a definition, the condition under which it applies."""


@dataclass(frozen=True)
class Recommendation:
    """A guideline recommendation with criteria, its grade, citation and currency."""

    iri: str
    label: str
    cor: str
    loe: str
    condition: str | None
    interventions: tuple[str, ...]
    sources: tuple[str, ...]
    statuses: tuple[str, ...]
    criteria: tuple[Criterion, ...]
    severity: str | None = None
    """The severity it requires by its own guideline's definition, where its condition does not say it."""

    @property
    def current(self) -> bool:
        """Current unless the graph says superseded (a superseded mark wins over a current one)."""
        return not any(s.endswith("Superseded") for s in self.statuses)


@dataclass(frozen=True)
class Definition:
    """A guideline's definition of a condition (severe SMR, atrial SMR) as criteria and how they combine."""

    iri: str
    label: str
    condition: str
    sources: tuple[str, ...]
    combination: str
    """any (one met criterion suffices) or all."""
    criteria: tuple[Criterion, ...]


@dataclass
class Knowledge:
    """The graph, compiled for evaluation: plain strings and tuples, picklable for Spark."""

    labels: dict[str, str]
    codes: dict[str, list[tuple[str, str]]]
    """Code IRI -> [(concept IRI, link kind)]."""
    ancestors: dict[str, frozenset[str]]
    causes: dict[str, tuple[Chain, ...]]
    """Cause -> its chains to SMR (accepted steps only, unless held-out claims were asked for)."""
    mechanism_patterns: dict[str, frozenset[str]]
    recommendations: tuple[Recommendation, ...]
    definitions: tuple[Definition, ...]
    guards: dict[str, tuple[float, float, str]]
    citations: dict[str, dict] = field(default_factory=dict)
    """Source IRI -> {citation, doi, pmid, url, links} for the sources cited anywhere above."""

    def label(self, iri: str | None) -> str:
        if not iri:
            return ""
        return self.labels.get(iri) or curie(IRI(iri))

    def is_a(self, iri: str, ancestor: str) -> bool:
        return ancestor in self.ancestors.get(iri, frozenset((iri,)))

    def most_specific(self, concepts: set[str]) -> set[str]:
        """Drop a concept when a more specific one of the same set implies it."""
        return {c for c in concepts if not any(o != c and self.is_a(o, c) for o in concepts)}


def read_knowledge(store: Store, include_held_out: bool = False) -> Knowledge:
    """Compile the graph behind ``store`` for patient evaluation (held-out claims only if asked)."""
    facts = GraphFacts.read(store).prefetch()
    edges = facts.assertions(CAUSAL_PROPERTIES, held_out=include_held_out)
    targets = facts.subclasses(SMR_CLASS)
    upstream = connected(edges, targets) - targets
    chambers = _mechanism_patterns(store, facts)
    causes: dict[str, tuple[Chain, ...]] = {}
    cited: set[str] = set()
    for cause in sorted(upstream):
        if not facts.is_a(cause, SMR.Condition):
            continue
        result = find_paths(edges, cause, SMR_CLASS, ends=targets)
        chains = tuple(_chain(path, facts, chambers) for path in result.paths)
        causes[str(cause)] = chains
        cited.update(s for chain in chains for step in chain.steps for s in step.sources)
    criteria = _grouped(store, CRITERIA_QUERY, "criterion")
    recommendations = _recommendations(store, criteria)
    definitions = _definitions(store, criteria)
    cited.update(s for r in recommendations for s in r.sources)
    cited.update(s for r in recommendations for c in r.criteria for s in c.sources)
    cited.update(s for d in definitions for c in d.criteria for s in c.sources)
    cited.update(s for d in definitions for s in d.sources)
    codes: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for concept, relation, code in store.select(MAPPINGS_QUERY).rows:
        codes[str(code)].append((str(concept), LINK_PREDICATES[str(relation)]))
    ancestors = {str(c): frozenset(str(a) for a in up) for c, up in facts.all_ancestors().items()}
    return Knowledge(
        labels={str(k): v for k, v in facts.all_labels().items()},
        codes={k: sorted(v) for k, v in codes.items()},
        ancestors=ancestors,
        causes=causes,
        mechanism_patterns={str(k): v for k, v in chambers.items()},
        recommendations=recommendations,
        definitions=definitions,
        guards=_guards(store),
        citations={s: _citation(facts, s) for s in sorted(cited)},
    )


def _mechanism_patterns(store: Store, facts: GraphFacts) -> dict[IRI, frozenset[str]]:
    """Node -> the patterns (atrial, ventricular) it belongs to: a mechanism acting on (a part
    of) the chamber, or the SMR subtype itself and its subclasses."""
    acts: dict[IRI, set[IRI]] = defaultdict(set)
    part_of: dict[IRI, set[IRI]] = defaultdict(set)
    for s, p, o in store.select(STRUCTURES_QUERY).rows:  # FILTER(isIRI(?s) && isIRI(?o))
        (acts if p == SMR.actsOn else part_of)[known(IRI, s)].add(known(IRI, o))

    def wholes(structure: IRI) -> set[IRI]:
        found, frontier = {structure}, [structure]
        while frontier:
            for whole in part_of.get(frontier.pop(), ()):
                if whole not in found:
                    found.add(whole)
                    frontier.append(whole)
        return found

    patterns: dict[IRI, set[str]] = defaultdict(set)
    for mechanism, structures in acts.items():
        for structure in structures:
            for name, (chamber, _) in CHAMBERS.items():
                if chamber in wholes(structure):
                    patterns[mechanism].add(name)
    for name, (_, subtype) in CHAMBERS.items():
        for node in facts.subclasses(subtype):
            patterns[node].add(name)
    return {k: frozenset(v) for k, v in patterns.items()}


def _chain(path: tuple[Assertion, ...], facts: GraphFacts, chambers: dict) -> Chain:
    steps = tuple(
        Step(str(a.subject), str(a.property), str(a.object), _status(a),
             tuple(str(s) for s in a.sources), facts.claim_marks(a), a.inferred)
        for a in path
    )
    patterns = frozenset(p for a in path for node in (a.subject, a.object) for p in chambers.get(node, ()))
    return Chain(steps, patterns)


def _status(a: Assertion) -> str:
    """The claim status of a step, lower-cased (``asserted`` for an edge without a claim record)."""
    return str(a.status).rsplit("/", 1)[-1].lower() if a.status is not None else "asserted"


def _grouped(store: Store, query: str, key: str) -> dict[str, dict[str, set]]:
    """The rows of ``query`` gathered per ``key``: every value each variable takes for it
    (a record has several sources, criteria, interventions; one row per combination)."""
    groups: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for row in store.select(query).dicts():
        fields = groups[str(row[key])]
        for name, value in row.items():
            fields[name].add(value)
    return groups


def _recommendations(store: Store, criteria: dict[str, dict[str, set]]) -> tuple[Recommendation, ...]:
    recs = _grouped(store, RECOMMENDATIONS_QUERY, "rec")
    out = []
    for iri, f in sorted(recs.items()):
        out.append(Recommendation(
            iri=iri, label=_one(f, "label") or curie(IRI(iri)),
            cor=_one(f, "corNotation") or _local(_one(f, "cor")), loe=_one(f, "loeNotation") or _local(_one(f, "loe")),
            condition=_one(f, "condition"), interventions=tuple(sorted(str(v) for v in f["intervention"])),
            sources=tuple(sorted(str(v) for v in f["source"])), statuses=tuple(sorted(str(v) for v in f["status"])),
            criteria=tuple(sorted((_criterion(c, criteria[str(c)]) for c in f["criterion"] if c is not None), key=_criterion_order)),
            severity=_one(f, "severity"),
        ))
    return tuple(out)


def _definitions(store: Store, criteria: dict[str, dict[str, set]]) -> tuple[Definition, ...]:
    out = []
    for iri, f in sorted(_grouped(store, DEFINITIONS_QUERY, "definition").items()):
        for condition in sorted(str(c) for c in f["condition"]):
            out.append(Definition(
                iri=iri, label=_one(f, "label") or curie(IRI(iri)), condition=condition,
                sources=tuple(sorted(str(v) for v in f["source"])), combination=_one(f, "combination") or "any",
                criteria=tuple(sorted((_criterion(c, criteria[str(c)]) for c in f["criterion"]), key=_criterion_order)),
            ))
    return tuple(out)


def _criterion(iri: IRI, f: dict[str, set]) -> Criterion:
    value = _one(f, "value")
    return Criterion(
        iri=str(iri), label=_one(f, "label") or curie(iri),
        quantitative=SMR.QuantitativeCriterion in f["kind"],
        observable=_one(f, "observable"), comparator=_one(f, "comparator"),
        value=float(value) if value is not None else None, unit=_one(f, "unit"),
        statement=_one(f, "statement"), assessed_by=_one(f, "assessedBy"),
        sources=tuple(sorted(str(v) for v in f["source"])),
        conditional=(_one(f, "when") or "a condition the record does not show") if _one(f, "threshold") == "conditional" else None,
    )


def _criterion_order(c: Criterion) -> tuple:
    """Quantitative first, by observable, lower bounds before upper bounds, then by IRI."""
    return (not c.quantitative, c.observable or "", c.comparator not in (">", ">="), c.iri)


def _guards(store: Store) -> dict[str, tuple[float, float, str]]:
    return {str(o): (float(str(lo)), float(str(hi)), str(u)) for o, lo, hi, u in store.select(GUARDS_QUERY).rows}


def _citation(facts: GraphFacts, iri: str) -> dict:
    """The source as ``answer`` cites it (:func:`~smr_kg.knowledge.facts.source_json`), keyed by its IRI already."""
    return {k: v for k, v in source_json(facts.source(IRI(iri))).items() if k != "iri"}


def _one(fields: dict[str, set], key: str) -> str | None:
    values = sorted(str(v) for v in fields.get(key, ()))
    return values[0] if values else None


def _local(iri: str | None) -> str:
    return iri.rsplit("/", 1)[-1] if iri else ""


__all__ = ["HELD_OUT", "CHAMBERS", "Chain", "Criterion", "Definition", "Knowledge", "Recommendation", "Step",
           "read_knowledge"]
