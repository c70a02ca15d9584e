#!/usr/bin/env python
"""Keep the zh-hans catalogue complete, safely from several shells at once.

    .venv/bin/python scripts/i18n.py update            # makemessages (locked)
    .venv/bin/python scripts/i18n.py missing [PATH...]  # untranslated/fuzzy msgids, JSON
    .venv/bin/python scripts/i18n.py fill FILE.json    # {msgid: msgstr | [plural forms]}

Every command takes an exclusive lock on locale/.lock so two people (or
helpers) updating the catalogue never overwrite each other; `fill` also
compiles the .mo (committed, so a newcomer needs no gettext).
"""

import fcntl
import json
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


@contextmanager
def locked():
    PO.parent.mkdir(parents=True, exist_ok=True)
    with open(ROOT / "locale" / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def update():
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "1")}
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-obsolete",
            "--ignore=.venv",
            "--ignore=staticfiles",
            "--ignore=node_modules",
            "--ignore=bench",
        ],
        cwd=ROOT,
        check=True,
        env=env,
    )
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


def fill(path):
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    po = polib.pofile(str(PO))
    unknown = []
    for msgid, msgstr in data.items():
        entry = po.find(msgid)
        if entry is None:
            unknown.append(msgid)
            continue
        if entry.msgid_plural:
            forms = msgstr if isinstance(msgstr, list) else [msgstr]
            entry.msgstr_plural = {0: forms[0]}
        else:
            entry.msgstr = msgstr
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = None
        entry.previous_msgid_plural = None
        entry.previous_msgctxt = None
    po.save()
    po.save_as_mofile(str(MO))
    if unknown:
        print("not in catalogue (run update first?):", json.dumps(unknown, ensure_ascii=False))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    with locked():
        if cmd == "update":
            update()
        elif cmd == "missing":
            missing(args)
        elif cmd == "fill":
            fill(args[0])
        else:
            sys.exit(__doc__)
