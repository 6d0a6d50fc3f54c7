"""Command line: ``python -m analysis report CORPUS --out DIR`` (or ``news-framing``).

Runs the whole comparison on a corpus and writes a report folder with a single
self-contained ``report.html`` (see :mod:`analysis.report`). Problems the user
can fix (a missing corpus, an output folder in the way, no permission) print
one line on stderr and exit with status 2; nothing is half-written.

Examples
--------
>>> main(["report", "no/such/corpus", "--out", "x"])
2
"""

from __future__ import annotations

import argparse
import sys
import warnings

__all__ = ["main", "build_parser"]

_DESCRIPTION = """\
Compare how news sources frame the same event.

  news-framing report CORPUS --out DIR

runs every analysis of the package (overview, keyness, entities, voices,
shared and unique content, numbers, frames: whatever this version holds) on
CORPUS and writes DIR/report.html (self-contained: it opens offline in any
browser), DIR/figures/ (PNG and SVG, each with the CSV table it draws) and
DIR/tables/ (every full table as CSV).
"""

_CORPUS_HELP = """\
a folder of .txt files, one article per file, with an optional sources.csv
(columns file, source, lang, title, date, url...; without it sub-folder
names are the sources), or a .csv, .jsonl or .parquet table with one row
per article and at least a text and a source column. "seeds" is the
project's seed corpus.
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the command line (``--help`` explains every option)."""
    from . import SUPPORTED_LANGS

    parser = argparse.ArgumentParser(
        prog="news-framing",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    report = commands.add_parser(
        "report",
        help="run the whole comparison on a corpus and write an HTML report",
        description=_DESCRIPTION + "\nCORPUS is " + _CORPUS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    report.add_argument("corpus", metavar="CORPUS",
                        help="folder of .txt files or a .csv/.jsonl/.parquet table (see above)")
    report.add_argument("--out", "-o", required=True, metavar="DIR",
                        help="output folder; must not exist or be empty, unless --overwrite")
    report.add_argument("--overwrite", action="store_true",
                        help="replace DIR if it holds a previous report (it is swapped only "
                             "once the new report is complete)")
    report.add_argument("--by", default="source", metavar="COLUMN",
                        help="corpus column whose values are compared (default: source)")
    report.add_argument("--lang", default="it", choices=SUPPORTED_LANGS,
                        help="language of documents whose metadata does not say (default: it)")
    report.add_argument("--metadata", metavar="FILE", default=None,
                        help="metadata CSV for a folder corpus (default: CORPUS/sources.csv "
                             "when present)")
    report.add_argument("--text-column", default="text", metavar="NAME",
                        help="column holding the article text in a table corpus (default: text)")
    report.add_argument("--source-column", default="source", metavar="NAME",
                        help="column holding the source in a table corpus (default: source)")
    report.add_argument("--top", type=_positive_int, default=15, metavar="N",
                        help="rows shown per table in the HTML; the CSV tables keep every "
                             "row (default: 15)")
    report.add_argument("--sections", type=_section_list, default=None, metavar="KEYS",
                        help="comma-separated sections to run, from: "
                             f"{', '.join(_section_keys())} (default: all)")
    report.add_argument("--no-progress", action="store_true",
                        help="do not show progress bars (they go to stderr)")
    report.add_argument("--debug", action="store_true",
                        help="show the full traceback of an unexpected error")
    return parser


def _section_keys() -> list[str]:
    from .report import REPORT_SECTIONS

    return [key for key, _title, _module in REPORT_SECTIONS]


def _section_list(text: str) -> list[str]:
    keys = [k.strip() for k in text.split(",") if k.strip()]
    unknown = [k for k in keys if k not in _section_keys()]
    if unknown or not keys:
        named = ", ".join(unknown) if unknown else repr(text)
        raise argparse.ArgumentTypeError(
            f"unknown section(s) {named}; choose from {', '.join(_section_keys())}")
    return keys


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("news-framing")
    except Exception:
        return "unknown"


def _one_line(message) -> str:
    return " ".join(str(message).split())


def _show_warning(message, category, filename, lineno, file=None, line=None):
    print(f"warning: {_one_line(message)}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return the exit status (0 ok, 2 user error, 1 bug)."""
    import matplotlib

    matplotlib.use("Agg")  # never open a window
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2

    from .report import ReportError, build_report

    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        try:
            path = build_report(
                args.corpus,
                args.out,
                by=args.by,
                lang=args.lang,
                metadata=args.metadata,
                text_column=args.text_column,
                source_column=args.source_column,
                top=args.top,
                overwrite=args.overwrite,
                progress=not args.no_progress,
                sections=args.sections,
            )
        except ReportError as error:
            print(f"error: {_one_line(error)}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("error: interrupted; any previous report in --out is unchanged",
                  file=sys.stderr)
            return 130
        except Exception as error:
            if args.debug:
                raise
            print(f"error: unexpected {type(error).__name__}: {_one_line(error)} "
                  "(run again with --debug for the traceback)", file=sys.stderr)
            return 1
    print(f"report written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
