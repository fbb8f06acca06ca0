"""Concept cards: everything the graph says about one concept, found by a code, an IRI or a label.

A cohort builder holding ``SNOMEDCT:49436004`` or ``ICD10CM:I34.0`` wants to know which concept of
the graph that is and what the graph says about it: its definition and synonyms, its links to
the other vocabularies, what it acts through, leads to and is treated by, how it leads to
secondary mitral regurgitation, each statement with its sources. A code no mapping mentions is
"not linked" (exit 1), never guessed. Codes resolve through the built graph's SKOS mappings
(the strongest relation wins: exact, then close, then broader/narrower/related, which the card
says); labels and smr IRIs through :mod:`smr_kg.sparql.resolve`, as every other command does.
"""

from __future__ import annotations

from collections import defaultdict

from ..rdf import prefixmap
from ..errors import SmrKgError
from .evidence import Assertion, read_assertions, read_held_out
from .facts import GraphFacts, References, source_json
from ..stages.mappings import MAPPING_PREDICATES, Mapping, code_problem, read_mappings
from .pathways import PathResult, causal_paths, paths_json, prefetch
from ..record import Record, fresh
from .snomed import Expression, cause_expressions
from ..store.base import Store
from ..rdf.terms import IRI, Literal, Term, known
from ..rdf.vocab import DEFINITION, EXACT_SYNONYM, OBOINOWL, RDFS, SKOS, SMR

OUTGOING: tuple[IRI, ...] = (
    SMR.actsThrough, SMR.leadsTo, SMR.causesOrContributesTo, SMR.actsOn, SMR.treats, SMR.reverses,
    SMR.respondsTo, SMR.associatedWith, SMR.isIndependentPredictorOf, SMR.worsens,
)
"""Relations a card lists from the concept outwards, in this order."""

INCOMING: dict[IRI, str] = {
    SMR.actsThrough: "is a mechanism of",
    SMR.leadsTo: "is brought about by",
    SMR.causesOrContributesTo: "is caused or contributed to by",
    SMR.actsOn: "is acted on by",
    SMR.treats: "is treated by",
    SMR.reverses: "is reversed by",
    SMR.respondsTo: "is a therapy that helps",
    SMR.isIndependentPredictorOf: "is predicted by",
    SMR.worsens: "is worsened by",
}
"""Relations a card lists towards the concept, with how to read them backwards."""

PARTIAL_ORDER = ("skos:narrowMatch", "skos:broadMatch", "skos:relatedMatch")
"""For a code with no exact or close match, the concepts it certainly falls under come first (the
code is narrower than the concept: ICD10CM:I34.0 is a kind of mitral regurgitation), then those it
may or may not denote (the code is broader: most I34.0 is primary, not secondary, MR)."""

MATCH_WORDS = {
    "skos:closeMatch": "a close match of",
    "skos:broadMatch": "broader than",
    "skos:narrowMatch": "narrower than",
    "skos:relatedMatch": "related to, but neither broader nor narrower than,",
}
"""How a card says which relation a code that found it has to the concept."""

SYNONYM_PROPERTIES = (EXACT_SYNONYM, OBOINOWL.hasRelatedSynonym, OBOINOWL.hasBroadSynonym, OBOINOWL.hasNarrowSynonym, SKOS.altLabel)
MAX_CHAINS = 12
"""Chains to SMR shown on a card (all of them are in ``smr-kg path``)."""

_MAPPED_QUERY = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?concept ?relation ?code WHERE {
  VALUES ?relation { skos:exactMatch skos:closeMatch skos:broadMatch skos:narrowMatch skos:relatedMatch }
  ?concept ?relation ?code .
  FILTER(isIRI(?concept))
}
"""

_CAUSAL_NEIGHBOURS_QUERY = """
PREFIX smr: <https://w3id.org/smr-kg/>
# What is causally upstream (?dir = "up") or downstream ("down") of ?x, over the closure; which of
# those are conditions is read from the class hierarchy of these nodes alone (GraphFacts): a
# sub-select of every condition of the graph cost 0.37 s of a 0.57 s lookup at 1M triples.
SELECT DISTINCT ?c ?dir ?x WHERE {
  { ?c smr:causallyUpstreamOf ?x . BIND("up" AS ?dir) } UNION { ?x smr:causallyUpstreamOf ?c . BIND("down" AS ?dir) }
  FILTER(isIRI(?c) && ?c != ?x)
}
"""

_ABOUT_QUERY = """
SELECT ?p ?o ?x WHERE { ?x ?p ?o . FILTER(isLiteral(?o) || isIRI(?o)) }
"""


class NotLinked(SmrKgError):
    """A code of a linked vocabulary that no mapping mentions (exit code 1)."""


class Card(Record, frozen=False):
    """What the graph says about one concept."""

    iri: IRI
    label: str
    matched: tuple[str, str] | None = None
    """(relation, code) when the concept was found through a code that is not its exact match."""
    definitions: list[str] = fresh(list)
    synonyms: list[str] = fresh(list)
    parents: list[IRI] = fresh(list)
    mappings: list[Mapping] = fresh(list)
    outgoing: list[Assertion] = fresh(list)
    incoming: list[Assertion] = fresh(list)
    upstream: list[IRI] = fresh(list)
    """Conditions causally upstream of the concept (directly or through mechanisms)."""
    downstream: list[IRI] = fresh(list)
    """Conditions the concept is causally upstream of."""
    chains: PathResult | None = None
    expressions: list[Expression] = fresh(list)


def find(store: Store, term: str) -> list[tuple[IRI, tuple[str, str] | None]]:
    """The concept(s) ``term`` denotes, each with the (relation, code) it was found by, if any.

    A code of a linked vocabulary (any prefix spelling, or its IRI) gives the concepts it is an exact
    match of, else a close match of, else every concept it is broader, narrower or related to;
    anything else goes to :func:`smr_kg.sparql.resolve.resolve_term`.
    """
    from ..sparql.resolve import resolve_term

    code = _as_code(term.strip())
    if code is None:
        return [(resolve_term(store, term), None)]
    curie = prefixmap.compress(code)
    by_relation: dict[IRI, set[IRI]] = defaultdict(set)
    for concept, relation, _ in known("list[tuple[IRI, IRI, Term]]", store.select(_MAPPED_QUERY, {"code": code}).rows):
        by_relation[relation].add(concept)
    for predicate in ("skos:exactMatch", "skos:closeMatch"):
        concepts = sorted(by_relation.get(_pinned(predicate), ()))
        if concepts:
            return [(c, None if predicate == "skos:exactMatch" else (predicate, curie)) for c in concepts]
    partial: list[tuple[IRI, tuple[str, str] | None]] = [
        (c, (p, curie)) for p in PARTIAL_ORDER for c in sorted(by_relation.get(_pinned(p), ()))
    ]
    if partial:
        return partial
    problem = code_problem(curie)
    hint = f" (and it is not a valid code: {problem.split(': ', 1)[-1]})" if problem else ""
    raise NotLinked(
        f"{curie} is not linked to any concept of smr-kg{hint}; `smr-kg mappings` lists every linked code",
        exit_code=1,
    )


def build_card(store: Store, iri: IRI, matched: tuple[str, str] | None = None,
               facts: GraphFacts | None = None, mappings: list[Mapping] | None = None,
               held_out: bool = False) -> Card:
    """Read the card of ``iri`` from the store (``facts``/``mappings`` may be shared between cards).

    Only accepted claims are listed (and only they make the causes and chains) unless
    ``held_out``: then contested, hypothetical and unsupported claims are listed too, flagged."""
    facts = facts or GraphFacts.read(store)
    mappings = mappings if mappings is not None else read_mappings()
    card = Card(iri, "", matched)
    about = store.select(_ABOUT_QUERY, {"x": iri}).rows
    for p, o, _ in about:
        if p == DEFINITION:
            card.definitions.append(str(o))
        elif p in SYNONYM_PROPERTIES:
            card.synonyms.append(str(o))
        elif p == RDFS.subClassOf and isinstance(o, IRI):
            card.parents.append(o)
    curie = prefixmap.compress(iri)
    order = {p: i for i, p in enumerate(MAPPING_PREDICATES)}
    vocab = {p: i for i, p in enumerate(prefixmap.VOCABULARIES)}
    relations = {str(prefixmap.expand(p)) for p in MAPPING_PREDICATES}  # those of _MAPPED_QUERY
    linked = {(str(p), str(o)) for p, o, _ in about if str(p) in relations}
    card.mappings = sorted(
        (m for m in mappings if m.subject_id == curie and not m.no_term_found
         and (str(prefixmap.expand(m.predicate_id)), str(prefixmap.expand(m.object_id))) in linked),
        key=lambda m: (vocab.get(m.vocabulary, 99), order[m.predicate_id], m.object_id),
    )
    accepted = read_assertions(store, OUTGOING, iri)
    assertions = accepted + (read_held_out(store, OUTGOING, iri) if held_out else [])
    card.outgoing = [a for a in assertions if a.subject == iri]
    card.incoming = [a for a in assertions if a.object == iri and a.property in INCOMING]
    neighbours = known("list[tuple[IRI, Literal, IRI]]", store.select(_CAUSAL_NEIGHBOURS_QUERY, {"x": iri}).rows)
    facts.need_ancestors([iri, *(c for c, _, _ in neighbours)])  # its chains' nodes are among them
    for c, direction, _ in neighbours:
        if c != SMR.Condition and facts.is_a(c, SMR.Condition):
            (card.upstream if str(direction) == "up" else card.downstream).append(c)
    target = SMR.SecondaryMitralRegurgitation
    if iri != target and not facts.is_a(iri, target):
        chains = causal_paths(facts, iri, target, max_paths=MAX_CHAINS, held_out=held_out, leaving=accepted)
        card.chains = chains if chains.paths else None
    card.expressions = [e for e in cause_expressions(store, mappings=mappings, cause=iri) if e.cause == iri]
    steps = [*assertions, *(a for path in (card.chains.paths if card.chains else ()) for a in path)]
    prefetch(facts, steps, iri, *card.parents, *card.upstream, *card.downstream, *(e.condition for e in card.expressions))
    card.label = facts.label(iri)
    card.definitions.sort()
    card.synonyms = sorted(set(card.synonyms), key=str.lower)
    for nodes in (card.parents, card.upstream, card.downstream):
        nodes.sort(key=lambda c: facts.label(c).lower())
    return card


def lookup(store: Store, term: str, held_out: bool = False, facts: GraphFacts | None = None,
           found: list[tuple[IRI, tuple[str, str] | None]] | None = None) -> list[Card]:
    """The card(s) of what ``term`` denotes (several only for a code linked to several concepts);
    ``held_out`` adds the held-out claims, flagged. ``facts``: the graph's facts if the caller
    has read them already (reading them is most of a lookup's time on a large graph); ``found``:
    :func:`find`'s answer for ``term`` if the caller has it (it is not asked twice)."""
    found = find(store, term) if found is None else found
    facts = facts or GraphFacts.read(store)
    mappings = read_mappings()
    return [build_card(store, iri, matched, facts, mappings, held_out) for iri, matched in found]


def render_text(cards: list[Card], facts: GraphFacts) -> str:
    """The cards as terminal text, with one numbered source list for all of them."""
    refs = References(facts)
    blocks = [_card_text(card, facts, refs) for card in cards]
    lines = ["\n\n".join(blocks)]
    if refs.cited:
        lines.append("")
        lines.extend(refs.text_lines())
    return "\n".join(lines) + "\n"


def card_json(card: Card, facts: GraphFacts) -> dict:
    """A card as data (for ``--format json``)."""
    def node(iri: IRI) -> dict:
        return {"id": prefixmap.compress(iri), "iri": str(iri), "label": facts.label(iri)}

    def assertion(a: Assertion) -> dict:
        return {
            "subject": node(a.subject), "relation": node(a.property), "object": node(a.object),
            "sources": [source_json(facts.source(s)) for s in a.sources],
            "evidence_type": [node(e) for e in a.evidence_types],
            "status": node(a.status) if a.status else None, "population": list(a.populations),
            "inferred": a.inferred, "marks": list(facts.claim_marks(a)),
        }

    return {
        **node(card.iri),
        "matched_by": {"relation": card.matched[0], "code": card.matched[1]} if card.matched else None,
        "definitions": card.definitions,
        "synonyms": card.synonyms,
        "parents": [node(p) for p in card.parents],
        "mappings": [
            {"relation": m.predicate_id, "code": m.object_id, "iri": str(prefixmap.expand(m.object_id)), "label": m.object_label,
             "confidence": m.confidence, "comment": m.comment}
            for m in card.mappings
        ],
        "outgoing": [assertion(a) for a in card.outgoing],
        "incoming": [assertion(a) for a in card.incoming],
        "causes": [node(c) for c in card.downstream],
        "caused_by": [node(c) for c in card.upstream],
        "chains_to_smr": paths_json(card.chains, facts) if card.chains else None,
        "snomed_expressions": [e.as_dict() for e in card.expressions],
    }


def _card_text(card: Card, facts: GraphFacts, refs: References) -> str:
    lines = [f"{card.label}  [{prefixmap.compress(card.iri)}]", f"  IRI: {card.iri}"]
    if card.matched:
        relation, code = card.matched
        lines.append(f"  Found by {code}, which is {MATCH_WORDS[relation]} this concept (not an exact match)")
    for text in card.definitions:
        lines.append(f"  Definition: {text}")
    if card.synonyms:
        lines.append(f"  Synonyms: {'; '.join(card.synonyms)}")
    if card.parents:
        lines.append(f"  Is a: {'; '.join(facts.label(p) for p in card.parents)}")
    lines.append("  Codes:" if card.mappings else "  Codes: none confirmed (see `smr-kg mappings --unmapped`)")
    for m in card.mappings:
        lines.append(f"    {m.predicate_id:<17} {m.object_id:<26} {m.object_label}")
    groups: dict[str, list[str]] = defaultdict(list)
    for a in card.outgoing:
        groups[facts.label(a.property)].append(f"{facts.label(a.object)}{_cite(a, refs)}")
    for a in card.incoming:
        groups[INCOMING[a.property]].append(f"{facts.label(a.subject)}{_cite(a, refs)}")
    for relation, items in groups.items():
        lines.append(f"  {relation[:1].upper()}{relation[1:]}:")
        lines.extend(f"    - {item}" for item in sorted(items, key=str.lower))
    if card.downstream:
        lines.append(f"  Causes (directly or through mechanisms): {'; '.join(facts.label(c) for c in card.downstream)}")
    if card.upstream:
        lines.append(f"  Caused by (directly or through mechanisms): {'; '.join(facts.label(c) for c in card.upstream)}")
    if card.chains:
        end = facts.label(card.chains.end)
        lines.append(f"  How it leads to {end}:")
        for path in card.chains.paths:
            steps = " ".join(f"-{facts.label(a.property)}-> {facts.label(a.object)}{_cite(a, refs)}" for a in path)
            lines.append(f"    {card.label} {steps}")
        if card.chains.truncated:
            lines.append(f"    (first {len(card.chains.paths)} chains; `smr-kg path` lists them all)")
    for e in card.expressions:
        flags = f" ({'; '.join(e.flags)})" if e.flags else ""
        lines.append(f"  SNOMED CT expression for its link to {facts.label(e.condition)}{flags}:")
        lines.append(f"    {e.text}")
    return "\n".join(lines)


def _cite(a: Assertion, refs: References) -> str:
    notes = [",".join(str(n) for n in refs.cite(a.sources))] if a.sources else []
    notes.extend(refs.facts.claim_marks(a))
    if a.inferred:
        notes.append("inherited")
    return f"  [{'; '.join(notes)}]" if notes else ""


def _pinned(curie: str) -> IRI:
    """The IRI of a CURIE of a pinned prefix (skos:), which always expands."""
    iri = prefixmap.expand(curie)
    assert iri is not None, curie
    return iri


def _as_code(text: str) -> IRI | None:
    """``text`` as the IRI of a code of a linked vocabulary (CURIE in any spelling, or IRI), else None."""
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    iri: IRI | None
    if text.startswith(("http://", "https://")):
        iri = prefixmap.standardize(text)
    else:
        prefix, sep, local = text.partition(":")
        if not sep or not local or prefixmap.expand(f"{prefix}:x") is None:
            return None
        iri = prefixmap.expand(text)
        if iri is None:  # never: the prefix is known
            return None
    curie = prefixmap.compress(iri)
    return iri if curie.partition(":")[0] in prefixmap.VOCABULARIES and curie != str(iri) else None


__all__ = ["Card", "NotLinked", "build_card", "card_json", "find", "lookup", "render_text"]
