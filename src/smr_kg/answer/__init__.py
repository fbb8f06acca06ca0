"""Answers to clinical questions, generated from the graph alone, every sentence with its sources.

The seed is an answer page: prose, grouped bullets and numbered references. The graph holds the
same knowledge as sourced claims, so the answer is generated here from labels, relations and
record fields (never from the seed's wording: ``smr:seedExcerpt`` only appears in JSON, as
provenance). Each bullet is one claim or record of the graph and cites its sources by number;
tentative claims, held-out claims (in their own section), superseded recommendations, support
without a traceable reference (ECO:0000303) and curator inference are flagged.

:mod:`.model` holds the bullets and the graph facts they are read from, :mod:`.sections` the
sections of each topic, :mod:`.render` the output formats.
"""

from __future__ import annotations

from ..errors import InputError
from ..knowledge.facts import GraphFacts, References
from ..store.base import Store
from .model import Answer, Context
from .render import RENDERERS
from .topics import TOPICS

FORMATS = tuple(RENDERERS)


def answer(store: Store, topic: str, superseded: bool = False) -> Answer:
    """The answer to ``topic``, built from the graph behind ``store`` (``superseded``: also show
    the recommendations of superseded guidelines, labelled)."""
    if topic not in TOPICS:
        raise InputError(f"unknown topic {topic!r} (choose from {', '.join(TOPICS)})")
    facts = GraphFacts.read(store).prefetch()
    ctx = Context(facts, superseded=superseded)
    spec = TOPICS[topic]
    sections = [s for s in (make(ctx) for make in spec.sections) if s is not None]
    refs = References(facts)
    for section in sections:
        for group in section.groups:
            for claim in group.claims:
                claim.numbers = refs.cite(claim.sources)
    return Answer(topic, spec.question(facts), spec.summary(ctx), sections, refs)


def render_answer(store: Store, topic: str, fmt: str = "md", superseded: bool = False) -> str:
    """``topic`` answered and rendered as ``fmt`` (md, html or json)."""
    if fmt not in RENDERERS:
        raise InputError(f"unknown answer format {fmt!r} (choose from {', '.join(FORMATS)})")
    return RENDERERS[fmt](answer(store, topic, superseded))


__all__ = ["FORMATS", "TOPICS", "Answer", "answer", "render_answer"]
