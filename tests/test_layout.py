"""The README's "How it is built" table matches the tree, and imports go one way."""
import ast
import re
from pathlib import Path
from typing import Dict, Set

from miss_config.paths import PROJECT_ROOT

PACKAGES = ("miss_config", "miss_nlp", "actions", "assistant", "channels")
# What each package may import of the project's own (besides itself).
MAY_IMPORT = {
    "miss_config": set(),
    "miss_nlp": {"miss_config"},
    "actions": set(),      # no custom actions: an empty package (actions/__init__.py)
    "assistant": {"miss_config", "miss_nlp", "channels"},
    "channels": {"miss_config", "miss_nlp", "assistant"},
}


def built_table() -> str:
    readme = (PROJECT_ROOT / "README.md").read_text("utf-8")
    section = readme.split("## How it is built", 1)[1]
    return section.split("\nNLU pipeline", 1)[0]


def modules() -> Dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (PROJECT_ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def imports_of(path: Path) -> Set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_every_path_in_the_table_exists():
    """Paths with a folder from the project root; bare file names at the root or in
    a folder the table names (``channels/sms/`` (``channel.py``, ...))."""
    table = built_table()
    paths = re.findall(r"`([\w./-]+/[\w./-]*)`", table)
    names = re.findall(r"`([\w-]+\.(?:py|yml|txt|md))`", table)
    folders = [PROJECT_ROOT] + [PROJECT_ROOT / p for p in paths if p.endswith("/")]
    missing = [p for p in paths if not (PROJECT_ROOT / p).exists()]
    missing += [n for n in names if not any((folder / n).exists() for folder in folders)]
    assert paths and missing == []


def test_every_module_is_in_the_table():
    table = built_table()
    unlisted = []
    for name, path in modules().items():
        relative = path.relative_to(PROJECT_ROOT).as_posix()
        folders = [p.as_posix() + "/" for p in path.relative_to(PROJECT_ROOT).parents][:-1]
        if path.name in ("__init__.py", "__main__.py") and any(f"`{f}" in table
                                                                for f in folders):
            continue
        if f"`{relative}`" in table or f"`{path.name}`" in table \
                or any(f"`{f}`" in table for f in folders):
            continue
        unlisted.append(relative)
    assert unlisted == []


def test_imports_go_one_way_and_nothing_imports_the_launcher():
    known = modules()
    wrong = []
    for name, path in known.items():
        package = name.split(".")[0]
        for imported in imports_of(path):
            top = imported.split(".")[0]
            if imported == "assistant.launcher" and name != "assistant.launcher":
                wrong.append(f"{name} imports the launcher")
            elif top in MAY_IMPORT and top != package and top not in MAY_IMPORT[package]:
                wrong.append(f"{name} imports {imported}")
    assert wrong == []


def test_no_import_cycle_between_modules():
    known = modules()
    graph = {name: {m for m in (imports_of(path)) if m in known and m != name}
             for name, path in known.items()}
    for name in graph:   # a package's __init__ importing its own modules is not a cycle
        graph[name] = {m for m in graph[name] if not name.startswith(m + ".")}
    seen, on_path, cycles = set(), [], []

    def visit(node: str) -> None:
        if node in on_path:
            cycles.append(on_path[on_path.index(node):] + [node])
            return
        if node in seen:
            return
        seen.add(node)
        on_path.append(node)
        for nxt in sorted(graph[node]):
            visit(nxt)
        on_path.pop()

    for name in sorted(graph):
        visit(name)
    assert cycles == []
