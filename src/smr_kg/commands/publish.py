"""``smr-kg publish``: load the built graph into a triple store (SPARQL 1.1 Graph Store Protocol)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "publish",
        help="load the built graph into a triple store over the SPARQL 1.1 Graph Store Protocol",
        description="PUT dist/smr-kg.ttl (as N-Triples) into one named graph of a store's Graph Store "
        "endpoint, e.g. Oxigraph server's http://127.0.0.1:7878/store or Virtuoso's "
        "http://127.0.0.1:8890/sparql-graph-crud-auth. An existing graph of that name is only "
        "replaced with --replace. Then ask it with `smr-kg query NAME --endpoint QUERY_URL --graph IRI`.",
        epilog="example: smr-kg publish --endpoint http://127.0.0.1:7878/store",
    )
    p.add_argument("--endpoint", metavar="URL", required=True, help="the store's Graph Store Protocol URL")
    p.add_argument("--graph", metavar="IRI", default=None,
                   help="the named graph to load into (default: the ontology IRI, https://w3id.org/smr-kg/smr.owl)")
    p.add_argument("--replace", action="store_true", help="replace the graph if the store already has it")
    p.add_argument("--user", metavar="NAME", default=None,
                   help="authenticate as NAME (Basic or Digest); the password is read from $SMR_KG_PASSWORD")
    p.add_argument("--timeout", type=float, default=None, metavar="SECONDS", help="give up after this long (default 300)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from ..errors import InputError
    from ..exports.publish import DEFAULT_TIMEOUT, publish, query_url_hint

    if args.timeout is not None and args.timeout <= 0:
        raise InputError("--timeout must be a positive number of seconds")
    done = publish(args.endpoint, args.graph, args.replace, args.user, timeout=args.timeout or DEFAULT_TIMEOUT)
    print(done.summary())
    print(f"ask it with: smr-kg query causes-through --param mechanism=\"left ventricular dilation\" "
          f"--endpoint {query_url_hint(args.endpoint)} --graph {done.graph}", file=sys.stderr)
    return 0
