"""The layer rule of the style guide, checked by walking src/ with ast: a module imports only from layers below
its own (plus the few same-layer imports listed), third-party libraries stay in their one module, only the CLI
prints, only the writer writes, and no module keeps mutable state at module level."""

from __future__ import annotations

import ast
from pathlib import Path
from types import MappingProxyType

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "kursk_site"
PACKAGE = "kursk_site"

LAYERS = MappingProxyType(
    {
        # L0: the shared vocabulary, stdlib only
        "kursk_site": 0,
        "kursk_site.errors": 0,
        "kursk_site.model": 0,
        "kursk_site.parallel": 0,
        "kursk_site.walk": 0,
        "kursk_site.codec": 0,
        "kursk_site.values": 0,
        "kursk_site.addresses": 0,
        # L1: LOAD
        "kursk_site.yamlsrc": 1,
        "kursk_site.config": 1,
        "kursk_site.content.*": 1,
        # L2: MODEL, pure functions
        "kursk_site.sections": 2,
        "kursk_site.figures": 2,
        "kursk_site.assemble": 2,
        "kursk_site.analysis": 2,
        "kursk_site.schedule": 2,
        # L3: RENDER, pure
        "kursk_site.urls": 3,
        "kursk_site.pages": 3,
        "kursk_site.render": 3,
        "kursk_site.escaping": 3,
        "kursk_site.feeds": 3,
        "kursk_site.sitemap": 3,
        "kursk_site.entitylinks": 3,
        "kursk_site.structured": 3,
        "kursk_site.jsonfeed": 3,
        "kursk_site.checks": 3,
        "kursk_site.search": 3,
        "kursk_site.pagestore": 3,
        # L4: WRITE (the output folder; the build cache in SOURCE/.kursk-cache)
        "kursk_site.writer.*": 4,
        "kursk_site.cache": 4,
        "kursk_site.stamps": 4,
        "kursk_site.articlestore": 4,
        "kursk_site.atomic": 4,
        "kursk_site.placement": 4,
        "kursk_site.planfile": 4,
        # L5: the pipeline (build, and its incremental load and render),
        # and the import command's (wire copy -> content/articles/*.md)
        "kursk_site.build": 5,
        "kursk_site.pipeline": 5,
        "kursk_site.incremental": 5,
        "kursk_site.edits": 5,
        "kursk_site.importer": 5,
        # L6: the edges
        "kursk_site.cli": 6,
        "kursk_site.serve": 6,
        "kursk_site.scaffold": 6,
        "kursk_site.install_spec": 6,
        "kursk_site.__main__": 6,
    }
)
"""Layer of each module; `pkg.*` covers a sub-package and every module in it."""

SAME_LAYER = frozenset(
    {
        ("kursk_site.model", "kursk_site.errors"),
        ("kursk_site.model", "kursk_site.values"),
        ("kursk_site.errors", "kursk_site.values"),
        ("kursk_site.config", "kursk_site.yamlsrc"),
        ("kursk_site.content.*", "kursk_site.config"),
        ("kursk_site.content.*", "kursk_site.yamlsrc"),
        ("kursk_site.content.*", "kursk_site.content.*"),
        ("kursk_site.assemble", "kursk_site.sections"),
        ("kursk_site.assemble", "kursk_site.figures"),
        ("kursk_site.pages", "kursk_site.urls"),
        ("kursk_site.render", "kursk_site.urls"),
        ("kursk_site.render", "kursk_site.pages"),
        ("kursk_site.render", "kursk_site.feeds"),
        ("kursk_site.render", "kursk_site.escaping"),
        ("kursk_site.jsonfeed", "kursk_site.feeds"),
        ("kursk_site.render", "kursk_site.entitylinks"),
        ("kursk_site.render", "kursk_site.structured"),
        ("kursk_site.structured", "kursk_site.urls"),
        ("kursk_site.structured", "kursk_site.pages"),
        ("kursk_site.jsonfeed", "kursk_site.urls"),
        ("kursk_site.feeds", "kursk_site.urls"),
        ("kursk_site.sitemap", "kursk_site.urls"),
        ("kursk_site.build", "kursk_site.pipeline"),
        ("kursk_site.pipeline", "kursk_site.build"),
        ("kursk_site.cache", "kursk_site.planfile"),
        ("kursk_site.cache", "kursk_site.stamps"),
        ("kursk_site.cache", "kursk_site.articlestore"),
        ("kursk_site.cache", "kursk_site.atomic"),
        ("kursk_site.cache", "kursk_site.writer.*"),
        ("kursk_site.writer.*", "kursk_site.writer.*"),
        ("kursk_site.writer.*", "kursk_site.placement"),
        ("kursk_site.articlestore", "kursk_site.atomic"),
        ("kursk_site.articlestore", "kursk_site.writer.*"),
        ("kursk_site.pipeline", "kursk_site.incremental"),
        ("kursk_site.pipeline", "kursk_site.edits"),
        ("kursk_site.edits", "kursk_site.incremental"),
        ("kursk_site.edits", "kursk_site.build"),
        ("kursk_site.checks", "kursk_site.urls"),
        ("kursk_site.search", "kursk_site.urls"),
        ("kursk_site.cli", "kursk_site.serve"),
        ("kursk_site.cli", "kursk_site.scaffold"),
        ("kursk_site.cli", "kursk_site.install_spec"),
        ("kursk_site.scaffold", "kursk_site.install_spec"),
        ("kursk_site.__main__", "kursk_site.cli"),
    }
)
"""(importer, imported) pairs allowed within one layer."""

LIBRARIES = MappingProxyType(
    {
        "yaml": ("kursk_site.yamlsrc",),
        "markdown_it": ("kursk_site.content.markdown",),
        "mdit_py_plugins": ("kursk_site.content.markdown",),
        "slugify": ("kursk_site.content.*",),
        "jinja2": ("kursk_site.render", "kursk_site.escaping"),
        "markupsafe": ("kursk_site.render", "kursk_site.escaping"),
    }
)
"""Third-party packages and the only modules that may import them."""

WRITE_CALLS = frozenset(
    {
        "write_text",
        "write_bytes",
        "mkdir",
        "unlink",
        "rmdir",
        "rename",
        "touch",
        "symlink_to",
        "hardlink_to",
        "os.replace",
        "os.remove",
        "os.unlink",
        "os.rmdir",
        "os.mkdir",
        "os.makedirs",
        "os.rename",
        "os.write",
        "os.link",
        "shutil.copyfile",
        "shutil.copy2",
        "shutil.rmtree",
        "shutil.copy",
        "shutil.copytree",
        "shutil.move",
    }
)
"""Calls that change the disk (`os.replace`, not `str.replace`)."""


CACHE_WRITERS = frozenset(
    {"kursk_site.writer.*", "kursk_site.cache", "kursk_site.articlestore", "kursk_site.atomic", "kursk_site.placement"}
)
"""The modules that write: the output folder's writer (a package), and the build cache's."""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def pattern_of(module: str) -> str:
    """The LAYERS key that covers `module`."""
    if module in LAYERS:
        return module
    if f"{module}.*" in LAYERS:
        return f"{module}.*"
    parent = module.rpartition(".")[0]
    while parent:
        if f"{parent}.*" in LAYERS:
            return f"{parent}.*"
        parent = parent.rpartition(".")[0]
    return ""


def resolve(module: str, node: ast.ImportFrom | ast.Import) -> list[str]:
    """The absolute names a statement imports (for `from x import y`, `x.y` when that is a module, else `x`)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{base}" if base else package
    names = []
    for alias in node.names:
        full = f"{base}.{alias.name}"
        names.append(full if full in MODULES else base)
    return names


def imports(module: str) -> list[tuple[int, str]]:
    """What a module imports at run time (imports under `if TYPE_CHECKING:` are for annotations only)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for inner in ast.walk(node)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in typing_only:
            found.extend((node.lineno, name) for name in resolve(module, node))
    return found


def test_every_module_has_a_layer() -> None:
    missing = [m for m in MODULES if not pattern_of(m)]
    assert missing == [], "add these modules to LAYERS in tests/test_architecture.py"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_imports_only_from_lower_layers(module: str) -> None:
    mine = pattern_of(module)
    wrong = []
    for line, name in imports(module):
        if not name.startswith(PACKAGE):
            continue
        theirs = pattern_of(name)
        if not theirs:
            continue  # reported by test_every_module_has_a_layer
        if LAYERS[theirs] > LAYERS[mine] or (
            LAYERS[theirs] == LAYERS[mine] and theirs != pattern_of(PACKAGE) and (mine, theirs) not in SAME_LAYER
        ):
            wrong.append(
                f"{MODULES[module].name}:{line}: {module} (L{LAYERS[mine]}) imports {name} (L{LAYERS[theirs]})"
            )
    assert wrong == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_third_party_libraries_stay_in_their_module(module: str) -> None:
    wrong = []
    for line, name in imports(module):
        top = name.split(".")[0]
        if top in LIBRARIES and module not in LIBRARIES[top] and pattern_of(module) not in LIBRARIES[top]:
            wrong.append(f"{module}:{line}: imports {top}, allowed only in {', '.join(LIBRARIES[top])}")
    assert wrong == []


def test_the_vocabulary_and_the_writer_use_the_standard_library_only() -> None:
    writer = sorted(m for m in MODULES if pattern_of(m) == "kursk_site.writer.*")
    for module in (
        "kursk_site.errors",
        "kursk_site.model",
        *writer,
        "kursk_site.cache",
        "kursk_site.parallel",
        "kursk_site.values",
    ):
        for line, name in imports(module):
            top = name.split(".")[0]
            assert top in (PACKAGE, "__future__") or top in stdlib_names(), f"{module}:{line}: imports {name}"
        if module in writer:
            inside = {n for _, n in imports(module) if n.startswith(PACKAGE)}
            assert inside <= {
                "kursk_site.errors",
                "kursk_site.model",
                "kursk_site.placement",
                "kursk_site.values",
                *writer,
            }


def stdlib_names() -> frozenset[str]:
    import sys

    return frozenset(sys.stdlib_module_names)


def _opens_for_writing(node: ast.Call) -> bool:
    mode = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "mode"), None)
    return isinstance(mode, ast.Constant) and isinstance(mode.value, str) and any(c in mode.value for c in "wax+")


def calls(module: str) -> list[tuple[int, str]]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id in ("os", "shutil")
            ):
                out.append((node.lineno, f"{func.value.id}.{func.attr}"))
            elif isinstance(func, ast.Attribute):
                out.append((node.lineno, func.attr))
            elif isinstance(func, ast.Name):
                out.append((node.lineno, func.id))
            if isinstance(func, ast.Name) and func.id == "open" and _opens_for_writing(node):
                out.append((node.lineno, "open for writing"))
    return out


@pytest.mark.parametrize("module", sorted(MODULES))
def test_only_the_edges_print_or_exit(module: str) -> None:
    if LAYERS[pattern_of(module)] == 6:
        return
    wrong = [f"{module}:{line}: {name}()" for line, name in calls(module) if name in ("print", "exit", "_exit")]
    assert wrong == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_only_the_writer_writes_to_disk(module: str) -> None:
    if pattern_of(module) in CACHE_WRITERS or LAYERS[pattern_of(module)] == 6:
        return  # the output folder, and the build cache (the only other place a build writes)
    wrong = [
        f"{module}:{line}: {name}()"
        for line, name in calls(module)
        if name in WRITE_CALLS or name == "open for writing"
    ]
    assert wrong == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_level_mutable_state(module: str) -> None:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    wrong = []
    for node in tree.body:
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        if value is None or not names or all(n.startswith("__") for n in names):
            continue  # attributes of the module's own classes, and __all__, are not module state
        mutable = isinstance(value, (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)) or (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id in ("list", "dict", "set")
        )
        if mutable:
            wrong.append(
                f"{module}:{node.lineno}: a mutable module constant (use a tuple, frozenset or MappingProxyType)"
            )
    assert wrong == []
