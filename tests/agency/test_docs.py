"""The README and docs/ are true: links resolve, named URLs exist, logins work."""

import re
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
LOCAL_HOSTS = {"127.0.0.1", "localhost", "agency.example.com"}


def _slug(heading: str) -> str:
    """GitHub-style anchor of a Markdown heading."""
    slug = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return slug.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    return {_slug(m) for m in re.findall(r"^#+\s+(.*)$", text, flags=re.M)}


def test_the_docs_exist():
    names = {p.name for p in DOCS}
    assert {"design.md", "permissions.md", "reminders.md", "glossary.md"} <= names


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_relative_link_resolves_to_a_file(doc):
    text = doc.read_text(encoding="utf-8")
    for target in LINK.findall(text):
        assert "://" not in target and not target.startswith("mailto:"), (
            f"{doc.name}: link outside the repository: {target}"
        )
        path, _, anchor = target.partition("#")
        resolved = (doc.parent / path).resolve() if path else doc
        assert resolved.is_file(), f"{doc.name}: {target} does not resolve to a file"
        assert resolved.is_relative_to(ROOT), f"{doc.name}: {target} leaves the repository"
        if anchor and resolved.suffix == ".md":
            assert anchor in _anchors(resolved), f"{doc.name}: no heading for #{anchor}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_no_address_outside_the_project(doc):
    text = doc.read_text(encoding="utf-8")
    hosts = set(re.findall(r"https?://([A-Za-z0-9][^/:\s)`]*)", text))
    assert hosts <= LOCAL_HOSTS, hosts - LOCAL_HOSTS
    assert "../shared" not in text


FILESYSTEM = ("/usr/", "/tmp/", "/data/", "/etc/")  # noqa: S108 - paths named in the README


def _readme_paths() -> list[str]:
    """Every site path the README names in backticks (not files like /usr/bin/chromium)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return sorted(
        {p for p in re.findall(r"`(/[^`\s]*)`", text) if not p.startswith(("//", *FILESYSTEM))}
    )


def _section_urls() -> list[str]:
    """The URL column of the README's table of sections."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("## The sections and their URLs", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| [^|]+ \| `(/[^`]*)` \|", table, flags=re.M)


def test_every_url_the_readme_names_exists():
    paths = _readme_paths()
    assert "/billing/invoices/" in paths and "/clients/" in paths
    for path in paths:
        concrete = re.sub(r"<[^>]+>", "1", path)
        try:
            resolve(concrete)
        except Resolver404:
            pytest.fail(f"README names {path}, which is not a URL of the project")


def test_every_section_the_readme_lists_opens(cast, as_user):
    client = as_user(cast.md)
    sections = _section_urls()
    assert len(sections) >= 12 and "/billing/receivables/" in sections
    for path in sections:
        response = client.get(path)
        assert response.status_code in (200, 302), f"{path}: {response.status_code}"
        if path != "/admin/":  # the MD is not staff: the admin sends them to its login
            assert response.status_code == 200, f"{path}: {response.status_code}"


def test_demo_logins_in_the_readme_are_the_seeded_ones():
    from accounts.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERS

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z]+)` \|", text, flags=re.M))
    assert listed == {username for username, *_ in DEMO_USERS}
    assert f"**`{DEMO_PASSWORD}`**" in text
