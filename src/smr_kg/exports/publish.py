"""Load the built graph into a triple store over the SPARQL 1.1 Graph Store HTTP Protocol.

``smr-kg publish --endpoint URL`` sends ``dist/smr-kg.ttl`` as one N-Triples document in one
``PUT`` to ``URL?graph=IRI`` (https://www.w3.org/TR/sparql11-http-rdf-update/): the graph is
then exactly the build, and publishing again replaces it instead of duplicating the blank nodes
of the evidence records (which a ``POST`` would do). Why these choices:

* a **named graph** (default: the ontology's IRI) keeps the graph apart from the store's other
  data; queries then name it with ``--graph`` (``default-graph-uri``);
* **N-Triples**, converted by pyoxigraph, is the one RDF syntax every store parses the same way
  (Virtuoso 7's Turtle reader has known gaps);
* nothing is replaced unless asked: an existing graph of that name is left alone unless
  ``--replace`` is given;
* credentials for stores that require them (Virtuoso's ``/sparql-graph-crud-auth``) come from
  ``--user`` and the environment variable ``SMR_KG_PASSWORD``, never from the command line,
  and are answered to Basic or Digest challenges only from that URL.

Large graphs go faster through a store's bulk loader; docs/endpoints.md shows Virtuoso's.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, SmrKgError
from ..store.remote import AccessRefused, check_url, http_call

PASSWORD_VARIABLE = "SMR_KG_PASSWORD"
USER_AGENT = "smr-kg publish (SPARQL 1.1 Graph Store Protocol)"
DEFAULT_TIMEOUT = 300.0
"""Seconds for the upload: the built graph (a few thousand triples) takes well under a second on loopback."""


@dataclass
class Published:
    """What was loaded where."""

    endpoint: str
    graph: str
    triples: int
    status: int

    def summary(self) -> str:
        return f"published {self.triples} triples into <{self.graph}> at {self.endpoint} (HTTP {self.status})"


def built_ntriples(dist: Path | None = None) -> tuple[bytes, int, str | None]:
    """The built graph as N-Triples, its triple count and its ontology IRI (if it has one)."""
    import pyoxigraph as ox

    from ..store.dist import current

    build = current(dist)  # checked against its manifest: a damaged build is not published
    try:
        triples = list(ox.parse(build.read_turtle(), format=ox.RdfFormat.TURTLE))
    except SyntaxError as error:
        raise InputError(f"{build.turtle}: cannot read the built graph ({error}); rebuild it with `smr-kg build`") from None
    ontology = next(
        (t.subject.value for t in triples
         if t.predicate.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
         and t.object == ox.NamedNode("http://www.w3.org/2002/07/owl#Ontology")
         and isinstance(t.subject, ox.NamedNode)),
        None,
    )
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert data is not None  # without an output file, serialize returns the bytes
    return data, len(triples), ontology


def publish(endpoint: str, graph: str | None = None, replace: bool = False, user: str | None = None,
            dist: Path | None = None, timeout: float = DEFAULT_TIMEOUT, password: str | None = None) -> Published:
    """PUT the built graph into ``graph`` at the Graph Store endpoint ``endpoint``.

    ``password`` (for ``user``) defaults to ``$SMR_KG_PASSWORD``.
    """
    check_url(endpoint)
    data, count, ontology = built_ntriples(dist)
    graph = graph or ontology
    if not graph:
        raise InputError("the built graph declares no owl:Ontology IRI: name the target with --graph IRI")
    _check_graph_iri(graph)
    target = _with_graph(endpoint, graph)
    credentials = _credentials(user, password)
    if replace:
        _check_access(target, timeout, credentials)
    elif _graph_exists(target, timeout, credentials):
        raise SmrKgError(
            f"the store at {endpoint} already has a graph <{graph}>: pass --replace to replace it "
            "with this build (only that graph is touched), or name another with --graph", exit_code=2)
    request = urllib.request.Request(
        target, data=data, method="PUT",
        headers={"Content-Type": "application/n-triples; charset=utf-8", "User-Agent": USER_AGENT},
    )
    status, _, _ = http_call(_authorized(request, credentials, timeout), timeout, what="Graph Store endpoint",
                             auth_hint=_auth_hint(user))
    return Published(endpoint, graph, count, status)


def _get_graph(target: str, timeout: float, credentials: tuple[str, str] | None) -> int:
    """GET the graph, status only (a 404 is an answer, not an error)."""
    request = urllib.request.Request(target, method="GET", headers={"Accept": "application/n-triples", "User-Agent": USER_AGENT})
    status, _, _ = http_call(_authorized(request, credentials, timeout), timeout, what="Graph Store endpoint",
                             missing_ok=True, read=False, auth_hint=_auth_hint(credentials and credentials[0]))
    return status


def _graph_exists(target: str, timeout: float, credentials: tuple[str, str] | None) -> bool:
    """2xx means the graph exists, 404 that it does not."""
    return _get_graph(target, timeout, credentials) != 404


def _check_access(target: str, timeout: float, credentials: tuple[str, str] | None) -> None:
    """Refuse early when the store refuses access: it answers a bodyless GET with its 401, whereas
    during an upload it may close the connection mid-body (Virtuoso does: a broken pipe, not a
    401). Any other answer to the GET is left for the upload to report."""
    try:
        _get_graph(target, timeout, credentials)
    except AccessRefused:
        raise
    except SmrKgError:
        pass


def _credentials(user: str | None, password: str | None) -> tuple[str, str] | None:
    if user is None:
        return None
    password = password if password is not None else os.environ.get(PASSWORD_VARIABLE)
    if password is None:
        raise InputError(f"--user {user} needs the password in the environment variable {PASSWORD_VARIABLE}")
    return user, password


def _authorized(request: urllib.request.Request, credentials: tuple[str, str] | None,
                timeout: float) -> urllib.request.Request:
    """``request`` with an Authorization header answering the server's challenge, sent up front.

    urllib's auth handlers answer a 401 by sending the request again, but a store that refuses
    an unauthenticated upload closes the connection while the body is still being sent
    (Virtuoso does), so the client never sees the 401. So the challenge is fetched first with a
    bodyless GET, and answered with urllib's own Basic/Digest code.
    """
    if credentials is None:
        return request
    import base64

    user, password = credentials
    probe = urllib.request.Request(request.full_url, method="GET", headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(probe, timeout=timeout):
            return request  # no challenge: the request goes as it is
    except urllib.error.HTTPError as error:
        challenge = error.headers.get("WWW-Authenticate", "") if error.code == 401 else ""
    except (urllib.error.URLError, OSError):
        return request  # the request itself will report what is wrong
    scheme, _, params = challenge.partition(" ")
    if scheme.lower() == "basic":
        token = base64.b64encode(f"{user}:{password}".encode("utf-8")).decode("ascii")
        request.add_header("Authorization", f"Basic {token}")
    elif scheme.lower() == "digest":
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, request.full_url, user, password)
        handler = urllib.request.HTTPDigestAuthHandler(manager)
        fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(params))
        answer = handler.get_authorization(request, fields)
        if answer:
            request.add_header("Authorization", f"Digest {answer}")
    return request


def _auth_hint(user: str | None) -> str:
    if user is None:
        return f" (give --user NAME, with the password in ${PASSWORD_VARIABLE})"
    return f" (check the user name and ${PASSWORD_VARIABLE})"


def query_url_hint(endpoint: str) -> str:
    """The query URL that usually goes with a Graph Store URL (Oxigraph, Virtuoso), for the hint."""
    for store_path, query_path in (("/store", "/query"), ("/sparql-graph-crud-auth", "/sparql"), ("/sparql-graph-crud", "/sparql")):
        base = endpoint.split("?")[0]
        if base.endswith(store_path):
            return base[: -len(store_path)] + query_path
    return "QUERY_URL"


def _with_graph(endpoint: str, graph: str) -> str:
    parts = urllib.parse.urlsplit(endpoint)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True) + [("graph", graph)]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def _check_graph_iri(graph: str) -> None:
    from ..rdf.sparqltext import is_iri

    if not is_iri(graph):
        raise InputError(f"--graph {graph!r} is not an absolute IRI (e.g. https://example.org/graphs/smr-kg)")
