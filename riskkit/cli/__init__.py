"""The ``riskkit`` command line: a thin layer over the library.

Exit codes: 0 success; 2 bad input or usage (a message naming file, row and column,
never a traceback); 1 an unexpected internal error.

Each command is a module of this package (listed in :data:`COMMANDS`) with its
``NAME``, ``add_parser(subparsers)`` that declares its options, and ``run(args)``
that returns the exit code; :mod:`.options`, :mod:`.inputs` and :mod:`.output` hold
what commands share. A new command is one new module and its name in ``COMMANDS``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType
from typing import Any

from .._version import __version__
from ..exceptions import InputError, InputWarning, RiskkitError
from ..sim import simulate as simulate  # the simulate command calls it as cli.simulate
from .options import Parser, UsageError

__all__ = ["COMMANDS", "build_parser", "command", "main", "run"]

#: The commands' modules, in the order ``riskkit --help`` lists them.
COMMANDS: tuple[str, ...] = ("validate", "simulation", "report", "ranking", "history",
                            "trend", "families", "verify", "check", "template", "portfolio")


def command(name: str) -> ModuleType:
    """The module of the command called ``name`` (its ``NAME``)."""
    for module in _modules():
        if module.NAME == name:
            return module
    raise KeyError(name)


def _modules() -> list[ModuleType]:
    return [importlib.import_module(f".{m}", __name__) for m in COMMANDS]


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="riskkit",
                    description="Quantitative project risk analysis: Monte Carlo cost and "
                                "schedule exposure of a risk register.")
    parser.add_argument("--version", action="version", version=f"riskkit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    for module in _modules():
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0, 1 or 2)."""
    parser = build_parser()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InputWarning)
        try:
            args = parser.parse_args(argv)
            with cluster(getattr(args, "scheduler", None)) as executor:
                args.executor = executor
                code = command(args.command).run(args)
        except UsageError as exc:
            _flush(caught)
            print(str(exc), file=sys.stderr)
            return 2
        except SystemExit as exc:  # --help and --version
            return int(exc.code or 0)
        except (InputError, RiskkitError, ValueError) as exc:
            _flush(caught)
            if not isinstance(exc, RiskkitError):
                return _internal(exc)
            print(f"riskkit: error: {exc}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("riskkit: interrupted", file=sys.stderr)
            return 130
        except BrokenPipeError:
            # The reader went away (riskkit ... | head): not an error of ours.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return 0
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            _flush(caught)
            return _internal(exc)
    _flush(caught)
    return code


@contextmanager
def cluster(address: str | None) -> Iterator[Any]:
    """The executor of the dask.distributed cluster at ``address`` (None: none), its
    client closed after the command."""
    if not address:
        yield None
        return
    try:
        from distributed import Client
    except ImportError:
        raise UsageError("riskkit: error: --scheduler needs dask.distributed: pip install "
                         "'riskkit[distributed]'") from None
    try:
        client = Client(address, timeout=8)
    except (OSError, TimeoutError, ValueError) as exc:
        raise UsageError(f"riskkit: error: --scheduler {address}: cannot reach the "
                         f"cluster ({exc})") from None
    try:
        yield client.get_executor()
    finally:
        client.close()


def _flush(caught: list[warnings.WarningMessage]) -> None:
    shown = set()
    for w in caught:
        text = str(w.message)
        if issubclass(w.category, InputWarning) and text not in shown:
            shown.add(text)
            print(f"riskkit: warning: {text}", file=sys.stderr)
    caught.clear()


def _internal(exc: BaseException) -> int:
    print(f"riskkit: internal error: {type(exc).__name__}: {exc}\n"
          "This is a bug in riskkit; please report it with the command you ran. "
          "Set RISKKIT_DEBUG=1 to see the traceback.", file=sys.stderr)
    if os.environ.get("RISKKIT_DEBUG"):
        import traceback
        traceback.print_exception(exc)
    return 1


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
