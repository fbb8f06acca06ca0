"""The options every store-reading command shares: the embedded build, or ``--endpoint URL``.

One place, so ``query``, ``lookup``, ``path``, ``answer``, ``diagram`` and ``mappings`` read the
graph from a SPARQL endpoint the same way (the module name starts with ``_``, so it is not a
command itself).
"""

from __future__ import annotations

import argparse

TYPE_CHECKING = False  # typing's constant without importing typing (4 ms of a fast query)
if TYPE_CHECKING:
    from ..store import QueryForms

ENDPOINT_HELP = (
    "ask this SPARQL 1.1 query endpoint instead of the local build (e.g. Oxigraph server's "
    "http://127.0.0.1:7878/query or Virtuoso's http://127.0.0.1:8890/sparql); see `smr-kg publish`"
)


def add_endpoint_options(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """``--endpoint URL`` and ``--graph IRI``."""
    parser.add_argument("--endpoint", metavar="URL", default=None, help=ENDPOINT_HELP)
    parser.add_argument("--graph", metavar="IRI", default=None, dest="endpoint_graph",
                        help="with --endpoint: read this named graph only (sent as default-graph-uri; "
                        "use the --graph given to `smr-kg publish`)")


def open_from_args(args: argparse.Namespace, engine: str | None = None) -> QueryForms:
    """The store the options name: the endpoint if one is given, else the local build."""
    from ..errors import InputError
    from ..store import open_store

    if args.endpoint_graph and not args.endpoint:
        raise InputError("--graph needs --endpoint URL")
    if args.endpoint:
        from ..store.remote import RemoteStore

        return RemoteStore(args.endpoint, args.endpoint_graph)
    return open_store(engine) if engine else open_store()
