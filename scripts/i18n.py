#!/usr/bin/env python
"""Keep the zh-hans catalogue complete, safely from several shells at once.

    .venv/bin/python scripts/i18n.py update              # makemessages (locked)
    .venv/bin/python scripts/i18n.py missing [PATH...]    # untranslated/fuzzy msgids, JSON
    .venv/bin/python scripts/i18n.py fill FILE.json...    # {msgid: msgstr | [plural forms]}
    .venv/bin/python scripts/i18n.py check               # CI: complete after extracting again

`check` extracts the messages again into a temporary copy of the project
(the committed .po is never rewritten) and fails, listing them, when a msgid
is new (in the code but not in the committed catalogue), untranslated or
fuzzy, or when the committed .mo is not compiled from the .po.

Engineers working in parallel never edit the .po: each writes the msgids they
added or changed, with their translation, to `locale/pending/<name>.json`.
Whoever merges then runs

    .venv/bin/python scripts/i18n.py update
    .venv/bin/python scripts/i18n.py fill locale/pending/*.json
    .venv/bin/python scripts/i18n.py check

and deletes the merged pending files. `fill` refuses a msgid that two files
translate differently (it says which) and one the catalogue does not have.

Every command takes an exclusive lock on locale/.lock so two people (or
helpers) updating the catalogue never overwrite each other; `fill` also
compiles the .mo (committed, so a newcomer needs no gettext).
"""

import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO_RELATIVE = Path("locale") / "zh_Hans" / "LC_MESSAGES" / "django.po"
PO = ROOT / PO_RELATIVE
MO = PO.with_suffix(".mo")
PENDING = ROOT / "locale" / "pending"

# Never scanned for messages, and not copied for `check`.
IGNORED = (".venv", "staticfiles", "node_modules", "bench", "private_media", "media")
NOT_COPIED = (*IGNORED, ".git", ".ruff_cache", ".pytest_cache", ".import_linter_cache", ".env")
NOT_COPIED += ("__pycache__", "*.pyc", "db.sqlite3", "*.mo")


@contextmanager
def locked():
    PO.parent.mkdir(parents=True, exist_ok=True)
    with open(ROOT / "locale" / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _makemessages(root: Path) -> None:
    """Extract every msgid under `root` into root/locale/zh_Hans (no obsolete)."""
    env = {**os.environ, "DEBUG": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # root/manage.py names its own settings
    subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-obsolete",
            *(f"--ignore={name}" for name in IGNORED),
        ],
        cwd=root,
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def update():
    _makemessages(ROOT)
    po = polib.pofile(str(PO))
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.metadata["Language"] = "zh_Hans"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.save()
    po.save_as_mofile(str(MO))


def missing(paths):
    po = polib.pofile(str(PO))
    out = {}
    for e in po:
        if e.obsolete:
            continue
        if e.translated() and "fuzzy" not in e.flags:
            continue
        if paths and not any(o[0].startswith(tuple(paths)) for o in e.occurrences):
            continue
        out[e.msgid] = [""] if e.msgid_plural else ""
    print(json.dumps(out, ensure_ascii=False, indent=1))


def read_pending(paths) -> tuple[dict, dict]:
    """(translations, conflicts) from several {msgid: msgstr} files.

    conflicts: {msgid: {file name: msgstr}} for msgids that two files
    translate differently; those are left out of `translations`.
    """
    seen: dict[str, tuple[str, object]] = {}
    conflicts: dict[str, dict] = {}
    for path in paths:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        for msgid, msgstr in data.items():
            if msgid in seen and seen[msgid][1] != msgstr:
                conflicts.setdefault(msgid, {seen[msgid][0]: seen[msgid][1]})
                conflicts[msgid][Path(path).name] = msgstr
            else:
                seen.setdefault(msgid, (Path(path).name, msgstr))
    translations = {k: v for k, (_, v) in seen.items() if k not in conflicts}
    return translations, conflicts


def fill(paths) -> int:
    """Write the translations of every file into the .po and .mo; 1 on any problem."""
    data, conflicts = read_pending(paths)
    po = polib.pofile(str(PO))
    unknown = []
    for msgid, msgstr in data.items():
        entry = po.find(msgid)
        if entry is None or entry.obsolete:
            unknown.append(msgid)
            continue
        if entry.msgid_plural:
            forms = msgstr if isinstance(msgstr, list) else [msgstr]
            entry.msgstr_plural = {0: forms[0]}
        else:
            entry.msgstr = msgstr[0] if isinstance(msgstr, list) else msgstr
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = None
        entry.previous_msgid_plural = None
        entry.previous_msgctxt = None
    po.save()
    po.save_as_mofile(str(MO))
    print(f"filled {len(data) - len(unknown)} msgids from {len(paths)} file(s)")
    if unknown:
        print(
            "not in catalogue (run `scripts/i18n.py update` first, or the string is gone):",
            json.dumps(unknown, ensure_ascii=False, indent=1),
        )
    if conflicts:
        print(
            "translated differently in two files (left out; choose one):",
            json.dumps(conflicts, ensure_ascii=False, indent=1),
        )
    return 1 if unknown or conflicts else 0


def _key(entry):
    return (entry.msgctxt, entry.msgid)


def _text(entry) -> str:
    return entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr


def problems(root: Path = ROOT) -> dict[str, list[str]]:
    """What `check` fails on, for the project at `root`: {kind: [msgid...]}.

    Extracts the messages again in a temporary copy of `root`; the catalogue
    at `root` is only read.
    """
    committed = polib.pofile(str(root / PO_RELATIVE))
    known = {(e.msgctxt, e.msgid) for e in committed if not e.obsolete}
    with tempfile.TemporaryDirectory(prefix="i18n-check-") as tmp:
        copy = Path(tmp) / "project"
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(*NOT_COPIED), symlinks=True)
        _makemessages(copy)
        extracted = polib.pofile(str(copy / PO_RELATIVE))
    mo_path = root / PO_RELATIVE.with_suffix(".mo")
    mo = polib.mofile(str(mo_path)) if mo_path.exists() else []
    compiled = {_key(e): _text(e) for e in mo}
    found = {
        "new (not in the committed catalogue: run update, then fill)": [],
        "untranslated": [],
        "fuzzy": [],
    }
    new, untranslated, fuzzy = found.values()
    for entry in extracted:
        if entry.obsolete:
            continue
        if (entry.msgctxt, entry.msgid) not in known:
            new.append(entry.msgid)
        elif "fuzzy" in entry.flags:
            fuzzy.append(entry.msgid)
        elif not entry.translated():
            untranslated.append(entry.msgid)
    found["translated in the .po but not compiled into the .mo (run fill or update)"] = [
        e.msgid for e in committed.translated_entries() if _text(e) != compiled.get(_key(e))
    ]
    return {kind: msgids for kind, msgids in found.items() if msgids}


def check(root: Path = ROOT) -> int:
    found = problems(root)
    if not found:
        print("i18n: the zh-hans catalogue is complete")
        return 0
    for kind, msgids in found.items():
        print(f"i18n: {len(msgids)} {kind}:")
        for msgid in msgids:
            print(f"    {msgid!r}")
    pending = sorted((root / "locale" / "pending").glob("*.json"))
    if pending:
        print("i18n: translations wait in", ", ".join(str(p.relative_to(root)) for p in pending))
        print(
            "      merge them: scripts/i18n.py update && scripts/i18n.py fill locale/pending/*.json"
        )
    return 1


def main(argv) -> int:
    if not argv or argv[0] not in {"update", "missing", "fill", "check"}:
        print(__doc__)
        return 2
    cmd, args = argv[0], argv[1:]
    if cmd == "check":  # reads only: no lock, so it never waits on an editor
        return check()
    with locked():
        if cmd == "update":
            update()
        elif cmd == "missing":
            missing(args)
        elif cmd == "fill":
            if not args:
                print("fill needs one or more JSON files")
                return 2
            return fill(args)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
