from pathlib import Path

import polib
from django.urls import reverse
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


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
