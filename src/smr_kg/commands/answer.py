"""``smr-kg answer TOPIC``: a cited answer generated from the graph (Markdown, HTML or JSON)."""

from __future__ import annotations

import argparse

from ._options import add_format, add_output, open_output, output_format
from ._store import add_endpoint_options

TOPIC_NAMES = ("causes", "mechanisms", "treatment", "teer-eligibility", "prognosis")
SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".json": "json"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "answer",
        help="a cited answer to a clinical question, generated from the graph alone",
        description="Answer a question about secondary mitral regurgitation from the built graph: a "
        "summary, grouped bullets that cite their sources by number (claims without a traceable "
        "reference are flagged) and a numbered reference list with DOI/PubMed links. Only accepted "
        "claims are causes, mechanisms or therapies; contested, hypothetical and unsupported claims "
        "have their own labelled section. Only current guideline recommendations are shown unless "
        "--superseded is given.",
    )
    p.add_argument("topic", choices=TOPIC_NAMES, metavar="TOPIC", help=f"one of: {', '.join(TOPIC_NAMES)}")
    add_format(p, ("md", "html", "json"), "md", "output format")
    p.add_argument("--superseded", action="store_true",
                   help="also show recommendations of superseded guidelines (e.g. 2014/2017 AHA/ACC), labelled")
    add_output(p)
    add_endpoint_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..answer import render_answer
    from ._store import open_from_args

    output = open_output(args)
    fmt = output_format(args, output, SUFFIXES)
    output.write(render_answer(open_from_args(args), args.topic, fmt, superseded=args.superseded))
    return 0
