"""Keeps dependencies' warnings that nobody running the assistant can act on off the console.

Starting Rasa prints about twenty lines of deprecation warnings from its
dependencies (pkg_resources, pyparsing through matplotlib and packaging, click
through typer and spaCy's CLI, SQLAlchemy 2.0, jax through TensorFlow,
distutils in sanic-cors). They say nothing about this project and no setting
here makes them go away, so the processes we start filter exactly those:
``DEPENDENCY_WARNINGS`` lists each as (category, module, message), both regular
expressions matched from the start (``re.match``), the module against the name
of the module the warning is attributed to. Every other warning still shows,
and a warning attributed to the project's own code (``PROJECT_PACKAGES``) is
never filtered.

* Our own entry points (assistant.launcher, assistant.shell) call
  ``quiet_dependencies()`` first.
* The servers they start run as ``python -m assistant.quiet rasa run ...``: this
  module's ``main`` applies the same filters in that process, then runs Rasa's
  command line exactly as the ``rasa`` script does.

Why not only ``PYTHONWARNINGS`` or ``warnings.filterwarnings``: Sanic, on import,
puts a catch-all ``once`` filter for DeprecationWarning in front of every filter
set before it, so filters alone stop working half-way through Rasa's start. The
filters are therefore also checked where a warning is shown
(``warnings.showwarning``), which no later filter can undo.

``MISS_SHOW_ALL_WARNINGS=1`` turns all of this off (to debug a dependency).
"""
import os
import re
import sys
import warnings
from pathlib import Path
from typing import Any, List, NamedTuple, Optional, Pattern, Sequence, Type

SHOW_ALL_ENV = "MISS_SHOW_ALL_WARNINGS"  # miss_config/settings.py: show_all_warnings
PROJECT_PACKAGES = ("actions", "assistant", "channels", "miss_nlp", "tests")
# Dependency modules may appear under any name but these.
_NOT_OURS = r"(?!(?:{})(?:\.|$))".format("|".join(PROJECT_PACKAGES))


class DependencyWarning(NamedTuple):
    category: Type[Warning]
    module: str   # regex, matched from the start of the warning's module name
    message: str  # regex, matched from the start of the message (case-insensitive)
    why: str


DEPENDENCY_WARNINGS: Sequence[DependencyWarning] = (
    DependencyWarning(DeprecationWarning, _NOT_OURS, r"pkg_resources is deprecated as an API",
                      "setuptools: apscheduler and Rasa import pkg_resources"),
    DependencyWarning(DeprecationWarning, r"pkg_resources(\.|$)",
                      r"Deprecated call to `pkg_resources\.declare_namespace",
                      "setuptools: namespace packages of matplotlib and ruamel"),
    DependencyWarning(DeprecationWarning, r"rasa\.core\.tracker_store$|sqlalchemy(\.|$)",
                      r"Deprecated API features detected! These feature\(s\) are not "
                      r"compatible with SQLAlchemy 2\.0",
                      "SQLAlchemy 2.0 notice about Rasa's tracker store (pinned to 1.4)"),
    DependencyWarning(DeprecationWarning, r"rasa\.core\.tracker_store$|sqlalchemy(\.|$)",
                      r"Calling URL\(\) directly is deprecated",
                      "SQLAlchemy 1.4 about how Rasa's SQL tracker store builds its URL"),
    DependencyWarning(DeprecationWarning, r"sanic_cors(\.|$)",
                      r"distutils Version classes are deprecated",
                      "sanic-cors uses distutils"),
    DependencyWarning(DeprecationWarning, r"tensorflow(\.|$)",
                      r"jax\.xla_computation is deprecated",
                      "TensorFlow Lite imports a deprecated jax API"),
    # pyparsing's PyparsingDeprecationWarning is both a UserWarning and a
    # DeprecationWarning; raised in matplotlib's and packaging's code.
    DependencyWarning(DeprecationWarning, r"(matplotlib|packaging|pyparsing|pip)(\.|$)",
                      r"'\w+' deprecated - use '\w+'",
                      "pyparsing 3 renamed methods that matplotlib 3.5 and packaging 20 use"),
    DependencyWarning(DeprecationWarning, r"(typer|spacy\.cli|click)(\.|$)",
                      r".*Click 9\.0",
                      "typer 0.7 and spaCy's CLI use click APIs deprecated in click 8.2"),
)


class _Compiled(NamedTuple):
    category: Type[Warning]
    module: Pattern[str]
    message: Pattern[str]


_COMPILED = [_Compiled(w.category, re.compile(w.module), re.compile(w.message, re.I))
             for w in DEPENDENCY_WARNINGS]
_ORIGINAL_SHOWWARNING = warnings.showwarning


def module_name(filename: str) -> str:
    """The dotted module name of a file on sys.path (site-packages first), as
    the warnings module's own filters see it; '' when it is on none."""
    path = os.path.abspath(filename or "")
    if path.endswith(".py"):
        path = path[:-3]
    best = ""
    for entry in sys.path:
        root = os.path.abspath(entry or os.getcwd())
        if path.startswith(root + os.sep):
            dotted = path[len(root) + 1:].replace(os.sep, ".")
            if dotted.endswith(".__init__"):
                dotted = dotted[:-len(".__init__")]
            if not best or len(dotted) < len(best):
                best = dotted
    return best


def is_dependency_noise(category: Type[Warning], message: Any, filename: str = "",
                        module: Optional[str] = None) -> bool:
    """Whether a warning is one of DEPENDENCY_WARNINGS (and not the project's own)."""
    if module is None:
        module = module_name(filename)
    if re.match(_NOT_OURS, module) is None:
        return False
    text = str(message)
    return any(issubclass(category, rule.category) and rule.module.match(module)
               and rule.message.match(text) for rule in _COMPILED)


def _showwarning(message: Any, category: Type[Warning], filename: str, lineno: int,
                 file: Any = None, line: Optional[str] = None) -> None:
    if is_dependency_noise(category, message, filename):
        return
    _ORIGINAL_SHOWWARNING(message, category, filename, lineno, file, line)


def quiet_dependencies(env: Optional[dict] = None) -> bool:
    """Filters DEPENDENCY_WARNINGS in this process (idempotent). False, and
    nothing done, when MISS_SHOW_ALL_WARNINGS is set."""
    from miss_config.settings import read_setting

    if read_setting("show_all_warnings", env):
        return False
    for rule in DEPENDENCY_WARNINGS:
        warnings.filterwarnings("ignore", message=rule.message, category=rule.category,
                                module=rule.module)
    if warnings.showwarning is not _showwarning:
        warnings.showwarning = _showwarning
    return True


def command(program: str, *args: str) -> List[str]:
    """The command line that runs a console script of this venv (``rasa``) with
    the filters applied: ``python -m assistant.quiet rasa ...``."""
    return [sys.executable, "-m", "assistant.quiet", program, *args]


def main(argv: Optional[List[str]] = None) -> Any:
    """``python -m assistant.quiet rasa <args>``: Rasa's command line, quietly."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] != "rasa":
        print("usage: python -m assistant.quiet rasa <rasa arguments>", file=sys.stderr)
        return 2
    quiet_dependencies()
    sys.argv = [str(Path(sys.executable).parent / "rasa"), *argv[1:]]
    from rasa.__main__ import main as rasa_main

    return rasa_main()


if __name__ == "__main__":
    sys.exit(main())
