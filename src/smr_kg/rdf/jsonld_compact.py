"""JSON-LD compaction of fromRdf's flat output in one pass, for contexts of plain terms.

Why: PyLD's compaction walks every value through the whole generic algorithm (scoped contexts,
maps, ``@nest``, ``@reverse``, a fresh dict per value), which was half of the JSON-LD export
time at 1M triples. For a context of prefixes, keyword aliases and terms with ``@id``, an IRI or
``@id`` as ``@type``, ``@language`` and ``@list``/``@set`` containers, the Compaction algorithm
comes down to: choose a term per (property, kind of value), compact IRIs to CURIEs, reduce value
objects by the term's coercion, and add values as PyLD's ``add_value`` does. Term selection
itself (the inverse context) is asked of PyLD, once per kind of value, so the choices are
PyLD's. Any other context feature or input shape raises :class:`Unsupported` and
:func:`smr_kg.rdf.jsonld.compact_triples` runs PyLD instead. Tests require byte-equal output to
PyLD's ``jsonld.compact`` on the built graph, on awkward cases and on generated graphs.
"""

from __future__ import annotations

from typing import Any

from ..errors import InputError

_TERM_KEYS = frozenset({"@id", "@type", "@language", "@container", "reverse", "protected", "_prefix", "_term_has_colon"})
_CONTEXT_KEYS = frozenset({"mappings", "processingMode", "@version", "_uuid"})
_CONTAINERS: tuple[list[str], ...] = ([], ["@list"], ["@set"])


class Unsupported(Exception):
    """A context feature or input shape this compactor leaves to PyLD."""


class Compactor:
    """Compacts :func:`smr_kg.rdf.jsonld.expanded_nodes` output with one active context.

    ``processor`` is a PyLD ``JsonLdProcessor`` and ``active_ctx`` the context it processed;
    the processor answers term selection and keyword aliases, memoized here.
    """

    def __init__(self, processor: Any, active_ctx: dict) -> None:
        _check_supported(active_ctx)
        self._pyld, self._ctx = processor, active_ctx
        self._mappings: dict[str, dict] = active_ctx["mappings"]
        self._inverse: dict = processor._get_inverse_context(active_ctx)
        self._alias = {k: processor._compact_iri(active_ctx, k) for k in ("@id", "@type", "@value", "@language", "@list", "@graph")}
        self._by_iri: dict[str, list[str]] = {}  # CURIE candidates: terms without ':' by their IRI
        for term, mapping in self._mappings.items():
            if ":" not in term and mapping["@id"]:
                self._by_iri.setdefault(mapping["@id"], []).append(term)
        self._lengths = sorted({len(iri) for iri in self._by_iri})
        self._prefixes = [t for t, m in self._mappings.items() if m["_prefix"]]
        self._iris: tuple[dict[str, str], dict[str, str]] = ({}, {})
        self._plans: dict[tuple, tuple[str, bool, Any]] = {}
        self._forms: dict[tuple, Any] = {}

    def document(self, nodes: list[dict], context: Any) -> dict:
        """What PyLD's ``compact`` returns for ``nodes`` and ``context`` (the array of nodes
        as ``@graph``, a single node as the top object, the context first)."""
        self.refuse_lost_lists(nodes)
        compacted = [self.node(node) for node in nodes]
        if isinstance(context, dict) and "@context" in context:
            context = context["@context"]
        contexts = [c for c in (context if isinstance(context, list) else [context]) if not isinstance(c, dict) or c]
        head = {"@context": contexts[0] if len(contexts) == 1 else contexts} if contexts else {}
        if len(compacted) == 1:
            return {**head, **compacted[0]}
        return {**head, self._alias["@graph"]: compacted} if compacted else head

    def refuse_lost_lists(self, nodes: list[dict]) -> None:
        """Refuse a node with two rdf:Lists that compact to one ``@list`` term: the Compaction
        algorithm (PyLD too, silently) keeps only the last. Checked over every node before any
        is compacted, so it holds whichever compaction then runs (this one or PyLD's)."""
        for node in nodes:
            for prop, values in node.items():
                lists = [] if prop.startswith("@") else [v for v in values if "@list" in v]
                if len(lists) < 2:
                    continue
                terms = [self._pyld._compact_iri(self._ctx, prop, v, vocab=True) for v in lists]
                lost = next((t for t in terms if terms.count(t) > 1 and "@list" in self._container(t)), None)
                if lost is not None:
                    raise InputError(
                        f"cannot write JSON-LD: {self.iri(node['@id'], False)} has two lists under <{prop}>, "
                        f"and the context's @list term {lost!r} keeps only one; export it as Turtle, "
                        "N-Triples or RDF/XML")

    def node(self, node: dict) -> dict:
        """One node object, its keys in PyLD's order (sorted expanded keys)."""
        out: dict[str, Any] = {}
        for key, values in sorted(node.items()):
            if key == "@id":
                out[self._alias["@id"]] = self.iri(values, False)
            elif key == "@type":
                types = [self.iri(t, True) for t in values]
                out[self._alias["@type"]] = types[0] if len(types) == 1 else types
            elif key.startswith("@") or not values:  # fromRdf makes neither; PyLD would keep an empty array
                raise Unsupported(f"node entry {key!r}: {values!r}")
            else:
                for value in values:
                    self._add(out, key, value)
        return out

    def _add(self, out: dict, prop: str, value: dict) -> None:
        """PyLD's handling of one expanded value of ``prop``: term, value compaction, add_value."""
        if "@list" in value:
            self._add_list(out, prop, value)
            return
        shape = self._shape(value)
        plan = self._plans.get((prop, shape))
        if plan is None:
            term = self._pyld._compact_iri(self._ctx, prop, value, vocab=True)
            container = self._container(term)
            plan = self._plans[(prop, shape)] = (term, "@set" in container or "@list" in container, self._form(term, shape))
        term, is_array, form = plan
        _add_value(out, term, self._apply(form, value), is_array)

    def _add_list(self, out: dict, prop: str, value: dict) -> None:
        """An ``@list`` value (rare: rdf:Lists); its term depends on all its items, so not memoized."""
        if len(value) != 1:
            raise Unsupported("@list with other keys")
        term = self._pyld._compact_iri(self._ctx, prop, value, vocab=True)
        container = self._container(term)
        items = []
        for item in value["@list"]:
            if "@list" in item:
                raise Unsupported("nested @list")
            items.append(self._apply(self._form(term, self._shape(item)), item))
        if "@list" in container:
            out[term] = items  # PyLD's add_value(valueIsArray): only one list (refuse_lost_lists)
            return
        _add_value(out, term, {self._alias["@list"]: items}, "@set" in container)

    def _shape(self, value: dict) -> Any:
        """What term selection and value compaction read of ``value`` (never its text)."""
        if "@id" in value:  # _select_term would ask if the IRI is a term, to rank @vocab, which no term here has
            if len(value) != 1:
                raise Unsupported("node reference with other keys")
            return True
        if "@value" not in value or len(value) > 2:
            raise Unsupported(f"value with keys {sorted(value)}")
        if "@language" in value:
            return ("@language", value["@language"])
        if "@type" in value:
            return ("@type", value["@type"])
        if len(value) != 1:
            raise Unsupported(f"value with keys {sorted(value)}")
        return None

    def _container(self, term: str) -> list:
        mapping = self._mappings.get(term)
        return mapping.get("@container", []) if mapping else []

    def _form(self, term: str, shape: Any) -> Any:
        """How values of ``shape`` compact under ``term`` (PyLD's ``_compact_value`` without
        @index, @direction or a default language): None for the bare string or IRI, else the
        keys to write before ``@value`` (or, for a node reference, the ``@id`` key)."""
        key = (term, shape)
        if key in self._forms:
            return self._forms[key]
        mapping = self._mappings.get(term) or {}
        coercion, language = mapping.get("@type"), mapping.get("@language")
        if shape is True:  # node reference
            form = None if coercion == "@id" else ("@id", self._alias["@id"])
        elif shape is None or (shape[0] == "@type" and shape[1] == coercion) or (shape[0] == "@language" and shape[1] == language):
            form = None
        elif shape[0] == "@type":
            form = ("@value", {self._alias["@type"]: self.iri(shape[1], True)})
        else:
            form = ("@value", {self._alias["@language"]: shape[1]})
        self._forms[key] = form
        return form

    def _apply(self, form: Any, value: dict) -> Any:
        if "@id" in value:
            return self.iri(value["@id"], False) if form is None else {form[1]: self.iri(value["@id"], False)}
        if form is None:
            return value["@value"]
        return {**form[1], self._alias["@value"]: value["@value"]}

    def iri(self, iri: str, vocab: bool) -> str:
        """PyLD's ``_compact_iri`` of ``iri`` with no value, memoized per IRI."""
        memo = self._iris[vocab]
        found = memo.get(iri)
        if found is None:
            found = memo[iri] = self._compact_iri(iri, vocab)
        return found

    def _compact_iri(self, iri: str, vocab: bool) -> str:
        """A term if ``vocab`` and a term maps to ``iri`` (PyLD chooses), else the shortest,
        then least, usable CURIE, else ``iri`` (no @vocab, no @base, empty base)."""
        if vocab and iri in self._inverse:
            return self._pyld._compact_iri(self._ctx, iri, None, vocab=True)
        best = None
        for length in self._lengths:
            if length >= len(iri):
                break
            for term in self._by_iri.get(iri[:length], ()):
                curie = term + ":" + iri[length:]
                mapping = self._mappings.get(curie)
                usable = mapping["@id"] == iri if mapping else self._mappings[term]["_prefix"]
                if usable and (best is None or (len(curie), curie) < (len(best), best)):
                    best = curie
        if best is not None:
            return best
        if any(iri.startswith(term + ":") for term in self._prefixes):
            raise Unsupported(f"IRI confused with prefix: {iri}")  # PyLD raises its error
        return iri


def _add_value(out: dict, term: str, compacted: Any, is_array: bool) -> None:
    """PyLD's ``add_value`` of one value: a second value turns the entry into an array."""
    if term in out:
        existing = out[term]
        if isinstance(existing, list):
            existing.append(compacted)
        else:
            out[term] = [existing, compacted]
    else:
        out[term] = [compacted] if is_array else compacted


def _check_supported(active_ctx: dict) -> None:
    """Raise :class:`Unsupported` for any context feature :class:`Compactor` does not implement."""
    extra = set(active_ctx) - _CONTEXT_KEYS
    if extra:
        raise Unsupported(f"context keys {sorted(extra)}")
    for term, mapping in active_ctx["mappings"].items():
        if mapping is None or set(mapping) - _TERM_KEYS or mapping["reverse"] or not isinstance(mapping["@id"], str):
            raise Unsupported(f"term {term!r}")
        if mapping.get("@container", []) not in _CONTAINERS or mapping.get("@type") in ("@vocab", "@none", "@json"):
            raise Unsupported(f"term {term!r}")
        if mapping["@id"].startswith("@") and set(mapping) & {"@type", "@language", "@container"}:
            raise Unsupported(f"keyword alias {term!r} with a definition")
