"""``smr-kg answer TOPIC``: a cited answer generated from the graph (Markdown, HTML or JSON)."""

from __future__ import annotations

import argparse
from pathlib import Path

TOPIC_NAMES = ("causes", "mechanisms", "treatment", "teer-eligibility", "prognosis")


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
    p.add_argument("--format", choices=("md", "html", "json"), default="md", help="output format (default: md)")
    p.add_argument("--superseded", action="store_true",
                   help="also show recommendations of superseded guidelines (e.g. 2014/2017 AHA/ACC), labelled")
    p.add_argument("-o", "--output", type=Path, default=None, help="write to FILE (atomically) instead of stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .. import atomic
    from ..answer import render_answer
    from ..store import open_store

    text = render_answer(open_store(), args.topic, args.format, superseded=args.superseded)
    if args.output:
        atomic.write_text(args.output, text)
    else:
        print(text, end="")
    return 0
