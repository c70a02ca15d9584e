"""Nothing shared is kept that nobody uses.

- every public helper in agency.permissions is used outside it;
- every vendored or project static file is loaded by a template, a stylesheet
  or Python, except what is kept on purpose (RESERVED, with the reason).
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("accounts", "agency", "billing", "briefs", "meetings", "plans", "templates", "tests")

# Kept though nothing loads it yet: the dashboards issue (11) uses ONE charting
# library, and this is it.
RESERVED = {"vendor/chartjs/chart.umd.min.js"}


def _texts():
    for top in SOURCES:
        for path in (ROOT / top).rglob("*"):
            if path.suffix in {".py", ".html", ".txt", ".css", ".js"}:
                yield path.read_text(encoding="utf-8", errors="ignore")


def _imported_from_permissions() -> set[str]:
    """Names imported from agency.permissions (or read as `permissions.<name>`)."""
    names = set()
    for top in SOURCES:
        for path in (ROOT / top).rglob("*.py"):
            if path == ROOT / "agency" / "permissions.py":
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("permissions"):
                    names |= {alias.name for alias in node.names}
                elif (
                    isinstance(node, ast.Attribute)
                    and isinstance(node.value, ast.Attribute | ast.Name)
                    and getattr(node.value, "attr", getattr(node.value, "id", "")) == "permissions"
                ):
                    names.add(node.attr)
    return names


def test_every_permission_helper_is_used():
    tree = ast.parse((ROOT / "agency" / "permissions.py").read_text(encoding="utf-8"))
    public = [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
    ]
    used = _imported_from_permissions()
    assert [name for name in public if name not in used] == []


def test_every_static_file_is_loaded_or_reserved():
    static = ROOT / "static"
    corpus = "\n".join(_texts()) + "\n".join(
        p.read_text(encoding="utf-8", errors="ignore") for p in static.rglob("*.css")
    )
    unused = sorted(
        str(p.relative_to(static))
        for p in static.rglob("*")
        if p.is_file()
        and not p.name.startswith(("LICENSE", "OFL"))
        and str(p.relative_to(static)) not in corpus
        and str(p.relative_to(static)) not in RESERVED
    )
    assert unused == []
    for reserved in RESERVED:
        assert (static / reserved).is_file(), f"{reserved} is reserved but gone: drop it here"
