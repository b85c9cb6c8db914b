"""The package's layout rules (docs/architecture.md): no module over 700 lines, no
import of another module's private names, imports down the layers but for two
documented lazy conveniences, and one place for the version."""

from __future__ import annotations

import ast
import importlib.metadata
import re
from pathlib import Path

import riskkit as rk

PACKAGE = Path(rk.__file__).resolve().parent
MODULES = sorted(PACKAGE.rglob("*.py"))

# the layers of docs/architecture.md, top first: a module may import its own layer
# and the ones below it
LAYERS = [
    {"__main__", "__init__", "cli"},
    {"report"},
    {"plot"},
    {"analysis"},
    {"sim"},
    {"io", "result"},
    {"phasing", "merges"},
    {"model"},
    {"cpm"},
    {"distributions", "correlation", "graph", "seeds"},
    {"kernels", "exceptions", "_format", "_progress", "_version", "words"},
]
# (importing module, imported module): lazy imports inside one method, documented
UPWARD = {("model/risk.py", "io.export"), ("distributions/shapes.py", "io.cells")}


def _room(relative: str) -> str:
    first = relative.split("/")[0]
    return first[:-3] if first.endswith(".py") else first


def _layer(room: str) -> int:
    return next(i for i, rooms in enumerate(LAYERS) if room in rooms)


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(absolute riskkit module, imported names) for every relative import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = path.relative_to(PACKAGE.parent).with_suffix("").parts
    if path.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - node.level + 1]
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            found.append((module, [a.name for a in node.names]))
    return found


def test_no_module_is_over_700_lines():
    sizes = {p.relative_to(PACKAGE).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
             for p in MODULES}
    assert len(sizes) > 40
    assert {name: n for name, n in sizes.items() if n > 700} == {}


def test_no_module_imports_another_modules_private_names():
    private = []
    for path in MODULES:
        for module, names in _imports(path):
            private += [f"{path.relative_to(PACKAGE)}: {module}.{n}" for n in names
                        if n.startswith("_") and not n.startswith("__")]
            # riskkit._format, riskkit._version and riskkit._progress are private to the
            # package, not to a module: their names are public
    assert private == []


def test_imports_run_down_the_layers():
    upward = set()
    for path in MODULES:
        relative = path.relative_to(PACKAGE).as_posix()
        mine = _layer(_room(relative))
        for module, _names in _imports(path):
            parts = module.split(".")[1:]
            if not parts:  # "from . import x" in riskkit/__init__.py
                continue
            target = parts[0]
            if _layer(target) < mine:
                upward.add((relative, ".".join(parts[:2])))
    assert upward == UPWARD


def test_the_version_is_written_once():
    written = [p.relative_to(PACKAGE).as_posix() for p in MODULES
               if re.search(r"^__version__\s*=", p.read_text(encoding="utf-8"), re.M)]
    assert written == ["_version.py"]
    pyproject = (PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^version = \{ ?attr = "riskkit\._version\.__version__" ?\}', pyproject,
                     re.M)
    assert importlib.metadata.version("riskkit") == rk.__version__
