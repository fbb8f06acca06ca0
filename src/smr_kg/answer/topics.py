"""The answer topics: for each, its question, its sections in order and its summary.

Kept apart from :mod:`.sections` (which builds each section and summary from the graph) so that
the list of topics -- what ``smr-kg answer TOPIC`` accepts -- reads as one table.
"""

from __future__ import annotations

from .grades import grades_by_society
from .model import SMR_CLASS, TEER, Topic
from .sections import (
    causes_by_mechanism, mechanism_chain, structures, epidemiology, associated_conditions, therapies_by_kind, response_by_subtype, teer_eligibility, prognosis, held_out, held_out_causes, held_out_treatment, held_out_prognosis, causes_summary, mechanisms_summary, treatment_summary, teer_summary, prognosis_summary,
)

TOPICS: dict[str, Topic] = {
    "causes": Topic(
        lambda f: f"What are the causes of {f.label(SMR_CLASS)}?",
        (causes_by_mechanism, mechanism_chain, epidemiology, associated_conditions, therapies_by_kind,
         teer_eligibility, response_by_subtype, prognosis, held_out),
        causes_summary,
    ),
    "mechanisms": Topic(
        lambda f: f"Through which mechanisms does {f.label(SMR_CLASS)} arise?",
        (mechanism_chain, structures, causes_by_mechanism, held_out_causes),
        mechanisms_summary,
    ),
    "treatment": Topic(
        lambda f: f"How is {f.label(SMR_CLASS)} treated?",
        (therapies_by_kind, grades_by_society, response_by_subtype, teer_eligibility, held_out_treatment),
        treatment_summary,
    ),
    "teer-eligibility": Topic(
        lambda f: f"Who is eligible for {f.label(TEER)}?",
        (teer_eligibility,),
        teer_summary,
    ),
    "prognosis": Topic(
        lambda f: f"What is the prognosis of {f.label(SMR_CLASS)}?",
        (prognosis, epidemiology, associated_conditions, held_out_prognosis),
        prognosis_summary,
    ),
}
"""Each topic answers one question with sections in the order a reader needs them; ``causes``
answers the seed page's question and so covers every claim the seed makes."""
