"""The shape of the code, read from its imports (docs/architecture.md draws it).

Every product module's imports are read with `ast`, function bodies included: a lower layer
never imports a higher one, the pure core imports no framework, no module imports another in
a function to dodge a cycle, and no folder grows past the size a newcomer can take in.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PRODUCT = ("surveys", "workflows", "app")
# Lowest first; the longest matching prefix gives a module its layer.
LAYERS: dict[str, int] = {
    "surveys": 0,
    "workflows": 1,
    "app": 2,
    "app.config": 2,
    "app.extensions": 2,
    "app.models": 2,
    "app.services.database": 3,
    "app.services": 4,
    "app.web": 5,
    "app.actions": 6,
    "app.admin": 6,
    "app.api": 6,
    "app.auth": 6,
    "app.cases": 6,
    "app.dashboard": 6,
    "app.demo": 6,
    "app.dev": 6,
    "app.hooks": 6,
    "app.setup": 6,
    "app.survey": 6,
    "app.worker": 6,
    "app.factory": 7,
}
CORE = ("surveys", "workflows")
FRAMEWORKS = ("flask", "sqlalchemy", "werkzeug", "wtforms", "jinja2", "alembic", "apscheduler")
# Imported where first used, each for the reason its module gives: start-up time or memory.
LAZY = {
    ("app.services.reports.exports", "openpyxl"),
    ("workflows.sla", "chinese_calendar"),
    ("surveys.keywords", "jieba"),
    ("surveys.sentiment", "textblob"),
}
MAX_MODULES_PER_FOLDER = 15


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def product_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PRODUCT
        for path in sorted((REPO / package).rglob("*.py"))
    }


def imports_of(path: Path) -> list[tuple[str, bool]]:
    """(imported module, whether the import sits inside a function) for every import."""
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                found.extend((alias.name, in_function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module:
                assert child.level == 0, f"{path}: relative import"
                modules = [f"{child.module}.{alias.name}" for alias in child.names]
                known = [m for m in modules if m in product_modules()]
                found.extend((m, in_function) for m in known or [child.module])
            visit(child, inner)

    visit(ast.parse(path.read_text()), False)
    return found


def layer_of(module: str) -> int | None:
    prefixes = [p for p in LAYERS if module == p or module.startswith(p + ".")]
    return LAYERS[max(prefixes, key=len)] if prefixes else None


def top(module: str) -> str:
    return module.split(".")[0]


def test_every_product_module_has_a_layer():
    assert [m for m in product_modules() if layer_of(m) is None] == []


def test_no_module_imports_a_higher_layer():
    upward = [
        f"{module} (L{layer_of(module)}) imports {target} (L{layer_of(target)})"
        for module, path in product_modules().items()
        for target, _ in imports_of(path)
        if top(target) in PRODUCT and layer_of(target) > layer_of(module)  # type: ignore[operator]
    ]
    assert upward == []


def test_the_core_imports_no_framework_and_nothing_of_the_app():
    leaks = [
        f"{module} imports {target}"
        for module, path in product_modules().items()
        if top(module) in CORE
        for target, _ in imports_of(path)
        if top(target) == "app" or top(target).startswith(FRAMEWORKS)
    ]
    assert leaks == []


def test_services_and_models_never_read_the_request():
    """The caller hands them plain values: a job and a view call them alike."""
    readers = [
        f"{module} imports {target}"
        for module, path in product_modules().items()
        if (layer_of(module) or 0) <= LAYERS["app.services"]
        for target, _ in imports_of(path)
        if target in {"flask.request", "flask.session", "flask.g"}
    ]
    assert readers == []


def test_imports_inside_functions_are_only_heavy_libraries_loaded_late():
    late = [
        f"{module} imports {target} inside a function"
        for module, path in product_modules().items()
        for target, in_function in imports_of(path)
        if in_function and (module, top(target)) not in LAZY
    ]
    assert late == []


def test_no_cycle_among_product_modules():
    graph = {
        module: {t for t, _ in imports_of(path) if t in product_modules() and t != module}
        for module, path in product_modules().items()
    }
    done: set[str] = set()

    def cycle_from(module: str, trail: list[str]) -> list[str] | None:
        if module in trail:
            return [*trail[trail.index(module) :], module]
        if module in done:
            return None
        for target in sorted(graph[module]):
            found = cycle_from(target, [*trail, module])
            if found:
                return found
        done.add(module)
        return None

    cycles = [c for m in sorted(graph) if (c := cycle_from(m, []))]
    assert cycles == []


def test_importing_the_models_loads_no_blueprint_nor_service():
    """The factory lives in app.factory, so `app` itself is only a package."""
    tree = ast.parse((REPO / "app" / "__init__.py").read_text())
    assert [type(node).__name__ for node in tree.body] == ["Expr"]  # its docstring
    models = [m for m in product_modules() if m.startswith("app.models")]
    reached = {
        target
        for module in models
        for target, _ in imports_of(product_modules()[module])
        if top(target) in PRODUCT
    }
    assert {t for t in reached if layer_of(t) > LAYERS["app.models"]} == set()  # type: ignore[operator]


@pytest.mark.parametrize("root", ["app", "workflows", "surveys"])
def test_no_folder_of_product_code_holds_more_than_fifteen_modules(root):
    crowded = {
        str(folder.relative_to(REPO)): count
        for folder in [REPO / root, *(REPO / root).rglob("*/")]
        if (count := len([p for p in folder.glob("*.py") if p.name != "__init__.py"]))
        > MAX_MODULES_PER_FOLDER
    }
    assert crowded == {}


def test_bench_imports_nothing_from_the_tests():
    found = [
        f"{path.name} imports {target}"
        for path in sorted((REPO / "bench").glob("*.py"))
        for target, _ in imports_of(path)
        if top(target) == "tests"
    ]
    assert found == []


def test_every_function_the_architecture_names_exists():
    """docs/architecture.md walks an event through named functions: each must still be there."""
    text = (REPO / "docs" / "architecture.md").read_text()
    missing = [
        f"{path}:{name}"
        for path, name in re.findall(r"`([\w/]+\.py):(\w+)`", text)
        if name not in defined_names(REPO / path)
    ]
    missing += [
        reference
        for reference in re.findall(r"`((?:\w+\.)+\w+)`", text)
        if not reference.endswith(".py") and not resolves(reference)
    ]
    assert missing == []


def resolves(reference: str) -> bool:
    """A module named by its tail, `module.name` or `Class.method`, anywhere in the product."""
    if any(m == reference or m.endswith("." + reference) for m in product_modules()):
        return True
    parts = reference.split(".")
    for split in range(len(parts)):
        owner, name = ".".join(parts[:split]), ".".join(parts[split:])
        for module, path in product_modules().items():
            if (not owner or module == owner or module.endswith("." + owner)) and name in (
                defined_names(path)
            ):
                return True
    return False


@cache
def defined_names(path: Path) -> set[str]:
    """Top-level functions, classes and assignments of a module, and `Class.method`s."""
    names: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        if isinstance(node, ast.ClassDef):
            names.update(f"{node.name}.{n.name}" for n in node.body if hasattr(n, "name"))
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names
