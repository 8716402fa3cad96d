"""`python -m services.explainer.entrypoints.regenerate`: new versions of explanations.

For operators, after a new default wording (DEFAULT_TEMPLATE_VERSION) or a custom template:
each chosen decision gets a new version with the reason given, announced like the first;
earlier versions stay as they were, readable by the person.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from services.explainer.bootstrap import bootstrap
from services.explainer.service_layer.regenerate import regenerate
from shared.config import Settings
from shared.log import configure_logging


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m services.explainer.entrypoints.regenerate",
                                     description=__doc__)
    parser.add_argument("--reason", required=True,
                        help="why, in French: the person reads it in the list of versions")
    parser.add_argument("--algorithm", metavar="ID/VERSION",
                        help="only the decisions of this algorithm version")
    parser.add_argument("--reference", help="only this decision")
    parser.add_argument("--outdated", action="store_true",
                        help="only the decisions whose latest explanation uses an older wording")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    key = None
    if args.algorithm:
        algorithm_id, _, version = args.algorithm.partition("/")
        if not version:
            raise SystemExit("--algorithm must be ID/VERSION, e.g. creche-attribution/2026.1")
        key = (algorithm_id, version)
    settings = Settings.from_env()
    configure_logging(settings.log_level, settings.log_format)
    explainer = bootstrap(settings)
    try:
        count = regenerate(explainer.uow, explainer.context, reason=args.reason, key=key,
                           reference=args.reference, outdated_only=args.outdated)
    finally:
        explainer.engine.dispose()
    print(f"{count} explanations regenerated; the worker's relay announces them")
    return 0


if __name__ == "__main__":
    sys.exit(main())
