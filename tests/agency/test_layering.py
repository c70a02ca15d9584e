"""The import contracts in pyproject.toml ([tool.importlinter]) hold.

.ci/run runs `lint-imports` too; this test says the same in `make test`.
"""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_are_kept(monkeypatch):
    pytest.importorskip("importlinter")
    from importlinter.cli import lint_imports

    monkeypatch.chdir(ROOT)
    assert lint_imports(no_cache=True) == 0


def test_agency_imports_no_app_outside_the_project_level_modules():
    import grimp

    apps = ("accounts", "plans", "briefs", "meetings", "billing")
    graph = grimp.build_graph("agency", *apps, cache_dir=None)
    allowed = {"agency.urls", "agency.views"}  # the root URLconf and the home page
    offenders = sorted(
        f"{module} -> {imported}"
        for module in graph.find_children("agency") | graph.find_descendants("agency")
        for imported in graph.find_modules_directly_imported_by(module)
        if imported.split(".")[0] in apps and module not in allowed
    )
    assert offenders == []
