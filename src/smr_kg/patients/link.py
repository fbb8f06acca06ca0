"""Link a record's codes to the graph's concepts: exactly, or because the code is more specific.

A code links to a concept when the graph maps it (exact or close match: the concept's own code;
a close match passes on to ICD-10-CM subcodes, whose structure keeps the meaning, but not to
SNOMED CT descendants, which may leave the concept: those of 399020009 include ischaemic
cardiomyopathy;
narrow match: a more specific code the project confirmed and ships in
``ontology/mappings/smr-patient-codes.sssom.tsv``), or when it lies below such a code:
  * ICD-10-CM by its code structure: I21.4 is a subdivision of I21, I48.11 of I48.1, and a
    category inside a mapped block (I20-I25) belongs to it;
  * SNOMED CT by the user's own hierarchy: an RF2 relationship snapshot (``--snomed-hierarchy``,
    licensed users have it) whose active ``116680003 |Is a|`` rows are walked upwards.
A situation such as 399211009 *History of myocardial infarction* is not the disorder: only a
shipped related match links it, as ``history`` (a past occurrence, reported apart from current
disorders); situations are never reached through the is-a hierarchy, where they are not below
the disorder. A broader code (48724000 for SMR) links nothing.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import InputError
from .knowledge import Knowledge

SNOMED = "http://snomed.info/id/"
ICD10CM = "http://purl.bioontology.org/ontology/ICD10CM/"
IS_A = "116680003"
RF2_COLUMNS = ("id", "effectiveTime", "active", "moduleId", "sourceId", "destinationId",
               "relationshipGroup", "typeId", "characteristicTypeId", "modifierId")
_BLOCK = re.compile(r"^([A-Z])(\d\d)-([A-Z])(\d\d)$")


@dataclass(frozen=True)
class Link:
    """A concept a code links to, how (exact, descendant, history), and through which mapped code."""

    concept: str
    kind: str
    via: str


class SnomedHierarchy:
    """SCTID -> its is-a parents, from an RF2 relationship file (Snapshot; a Full file also works:
    the latest row of each relationship id wins)."""

    def __init__(self, parents: dict[str, tuple[str, ...]]) -> None:
        self.parents = parents

    @classmethod
    def from_rf2(cls, path: Path) -> "SnomedHierarchy":
        latest: dict[str, tuple[str, bool, str, str]] = {}
        try:
            with open(path, newline="", encoding="utf-8") as handle:
                reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
                header = next(reader, None)
                if header is None or tuple(h.strip() for h in header[:10]) != RF2_COLUMNS:
                    raise InputError(f"{path}: not an RF2 relationship file (expected the header "
                                     f"{' '.join(RF2_COLUMNS)})")
                for line, row in enumerate(reader, start=2):
                    if len(row) < 10:
                        raise InputError(f"{path}:{line}: expected 10 tab-separated fields, got {len(row)}")
                    if row[7] != IS_A:
                        continue
                    rid, time = row[0], row[1]
                    if rid not in latest or time >= latest[rid][0]:
                        latest[rid] = (time, row[2] == "1", row[4], row[5])
        except FileNotFoundError:
            raise InputError(f"{path}: no such file") from None
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not UTF-8 text ({exc.reason})") from None
        parents: dict[str, list[str]] = {}
        for _, active, source, destination in latest.values():
            if active:
                parents.setdefault(source, []).append(destination)
        return cls({k: tuple(sorted(v)) for k, v in parents.items()})

    def ancestors(self, sctid: str) -> list[str]:
        """Every ancestor of ``sctid``, nearest first (breadth-first; cycles are cut)."""
        seen, order, frontier = {sctid}, [], [sctid]
        while frontier:
            nxt = []
            for node in frontier:
                for parent in self.parents.get(node, ()):
                    if parent not in seen:
                        seen.add(parent)
                        order.append(parent)
                        nxt.append(parent)
            frontier = nxt
        return order


class Linker:
    """Code IRI -> the most specific concepts it links to (cached: records repeat codes)."""

    def __init__(self, knowledge: Knowledge, hierarchy: SnomedHierarchy | None = None) -> None:
        self.knowledge = knowledge
        self.hierarchy = hierarchy
        self._blocks = [(m, code) for code in knowledge.codes if code.startswith(ICD10CM)
                        for m in [_BLOCK.match(code[len(ICD10CM):])] if m]
        self.links = lru_cache(maxsize=65536)(self._links)

    def _links(self, code: str) -> tuple[Link, ...]:
        found = [Link(concept, "exact" if kind == "close" else kind, code)
                 for concept, kind in self.knowledge.codes.get(code, ())]
        if code in self.knowledge.labels:  # a record may name a graph concept itself (system smr)
            found.append(Link(code, "exact", code))
        if not any(link.kind in ("exact", "descendant") for link in found):
            for ancestor in self._ancestors(code):
                found += [Link(concept, "descendant", ancestor) for concept, kind in self.knowledge.codes.get(ancestor, ())
                          if kind in ("exact", "descendant") or (kind == "close" and ancestor.startswith(ICD10CM))]
                if found:
                    break
        keep = self.knowledge.most_specific({link.concept for link in found})
        return tuple(sorted({link for link in found if link.concept in keep}, key=lambda l: (l.concept, l.kind, l.via)))

    def _ancestors(self, code: str) -> list[str]:
        if code.startswith(SNOMED) and self.hierarchy is not None:
            return [SNOMED + a for a in self.hierarchy.ancestors(code[len(SNOMED):])]
        if code.startswith(ICD10CM):
            local = code[len(ICD10CM):]
            return [ICD10CM + a for a in icd10cm_ancestors(local)] + self._block_of(local)
        return []

    def _block_of(self, local: str) -> list[str]:
        """The mapped ICD-10-CM blocks (I20-I25) that the code's category falls in."""
        category = local[:3]
        return [code for m, code in self._blocks
                if m.group(1) == category[0] == m.group(3) and m.group(2) <= category[1:3] <= m.group(4)]


def icd10cm_ancestors(code: str) -> list[str]:
    """The codes an ICD-10-CM code subdivides, nearest first: I48.11 -> I48.1, I48."""
    code = code.strip().upper()
    if "." not in code:
        return []
    category, _, rest = code.partition(".")
    return [f"{category}.{rest[:n]}" for n in range(len(rest) - 1, 0, -1)] + [category]


__all__ = ["Link", "Linker", "SnomedHierarchy", "icd10cm_ancestors"]
