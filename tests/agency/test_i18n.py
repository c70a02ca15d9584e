import hashlib
import importlib.util
import json
import shutil
from pathlib import Path

import polib
import pytest
from django.urls import reverse
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _load_i18n_script():
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


i18n = _load_i18n_script()


@pytest.fixture
def project_copy(tmp_path):
    """A copy of the project (with its committed catalogue) to break on purpose."""
    from tests.conftest import require_service

    require_service("gettext", bool(shutil.which("xgettext")), "apt-get install gettext")
    copy = tmp_path / "project"
    ignored = [p for p in i18n.NOT_COPIED if p != "*.mo"]
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*ignored), symlinks=True)
    return copy


def test_zh_hans_catalogue_has_no_untranslated_or_fuzzy_entry():
    po = polib.pofile(str(PO))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated: {untranslated[:20]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy: {fuzzy[:20]}"


def test_compiled_catalogue_matches_the_po_file():
    po = polib.pofile(str(PO))
    mo = polib.mofile(str(PO.with_suffix(".mo")))
    compiled = {e.msgid: e.msgstr or e.msgstr_plural for e in mo}
    for entry in po.translated_entries():
        assert entry.msgid in compiled, f"run scripts/i18n.py fill/update: {entry.msgid!r}"


def test_chinese_labels_render():
    with translation.override("zh-hans"):
        assert translation.gettext("Clients") == "客户"


def test_language_switch_is_remembered_on_the_user(cast, as_user):
    c = as_user(cast.am)
    response = c.post(reverse("set_language"), {"language": "zh-hans", "next": "/clients/"})
    assert response.status_code == 302
    assert response["Location"] == "/clients/"
    cast.am.refresh_from_db()
    assert cast.am.language == "zh-hans"
    # A fresh session (another device, no cookie) still gets Chinese.
    c.cookies.clear()
    c.force_login(cast.am)
    page = c.get(cast.client.get_absolute_url())
    assert page["Content-Language"] == "zh-hans"
    assert "客户小组" in page.content.decode()


def test_language_switch_refuses_offsite_next(cast, as_user):
    response = as_user(cast.am).post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_unknown_language_changes_nothing(cast, as_user):
    as_user(cast.am).post(reverse("set_language"), {"language": "xx"})
    cast.am.refresh_from_db()
    assert cast.am.language == "en"


def test_money_has_thousands_separators_in_chinese():
    from decimal import Decimal

    from django.template.defaultfilters import floatformat

    with translation.override("zh-hans"):
        assert floatformat(Decimal("3600000"), "2g") == "3,600,000.00"
    with translation.override("en"):
        assert floatformat(Decimal("3600000"), "2g") == "3,600,000.00"


def test_check_fails_on_new_untranslated_and_uncompiled_msgids(project_copy):
    probe = project_copy / "agency" / "i18n_probe.py"
    probe.write_text(
        "from django.utils.translation import gettext as _\n\n"
        "PROBE = _('A string nobody extracted')\n",
        encoding="utf-8",
    )
    po_path = project_copy / i18n.PO_RELATIVE
    po = polib.pofile(str(po_path))
    po.find("Clients").msgstr = ""
    po.find("Not found.").msgstr = "找不到。"  # the .mo still says 未找到。
    po.save()
    before = hashlib.sha256(po_path.read_bytes()).hexdigest()

    found = i18n.problems(project_copy)

    new = next(v for k, v in found.items() if k.startswith("new"))
    assert new == ["A string nobody extracted"]
    assert found["untranslated"] == ["Clients"]
    assert ["Not found."] in [v for k, v in found.items() if ".mo" in k]
    # The committed catalogue is only read, never rewritten by the check.
    assert hashlib.sha256(po_path.read_bytes()).hexdigest() == before
    assert i18n.check(project_copy) == 1


def test_fill_takes_several_pending_files_and_refuses_conflicts(tmp_path, monkeypatch, capsys):
    po_path = tmp_path / "django.po"
    shutil.copy(PO, po_path)
    monkeypatch.setattr(i18n, "PO", po_path)
    monkeypatch.setattr(i18n, "MO", po_path.with_suffix(".mo"))
    po = polib.pofile(str(po_path))
    po.find("Clients").msgstr = ""
    po.find("Not found.").msgstr = ""
    po.save()
    a, b = tmp_path / "alpha.json", tmp_path / "beta.json"
    a.write_text(json.dumps({"Clients": "客户", "Not found.": "未找到。"}), encoding="utf-8")
    b.write_text(json.dumps({"Not found.": "找不到。", "Never extracted": "x"}), encoding="utf-8")

    assert i18n.fill([str(a), str(b)]) == 1

    out = capsys.readouterr().out
    po = polib.pofile(str(po_path))
    assert po.find("Clients").msgstr == "客户"
    assert po.find("Not found.").msgstr == ""  # two translations: a person chooses
    assert "alpha.json" in out and "beta.json" in out and "Never extracted" in out
    mo = {e.msgid: e.msgstr for e in polib.mofile(str(po_path.with_suffix(".mo")))}
    assert mo["Clients"] == "客户"
    assert i18n.fill([str(a)]) == 0
