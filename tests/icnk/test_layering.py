"""The apps build on `icnk`, never the reverse: only its URLconf and settings name the apps."""

import ast
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
APPS = {"members", "statements", "drives", "followers"}
# The project's wiring, which must name the apps.
WIRING = {"icnk/urls.py", "icnk/settings.py"}


DYNAMIC_IMPORTS = {"import_module", "import_string", "__import__"}


def _called_name(call):
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def imported_apps(path):
    """(line, app) for every import of an app in the file, at module level or in a function,
    including `import_module("members.demo")` and `import_string(...)` with a literal path."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Call) and _called_name(node) in DYNAMIC_IMPORTS and node.args:
            first = node.args[0]
            names = (
                [first.value]
                if isinstance(first, ast.Constant) and isinstance(first.value, str)
                else []
            )
        else:
            continue
        found += [(node.lineno, name) for name in names if name.split(".")[0] in APPS]
    return found


def test_no_module_of_icnk_but_urls_and_settings_imports_an_app():
    offenders = []
    for path in sorted((BASE_DIR / "icnk").rglob("*.py")):
        relative = path.relative_to(BASE_DIR).as_posix()
        if relative in WIRING:
            continue
        offenders += [f"{relative}:{line} imports {name}" for line, name in imported_apps(path)]
    assert offenders == []
