"""Chinese PDFs show real glyphs on a machine without any CJK font."""

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)

RENDER = textwrap.dedent(
    """
    import os, sys
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agency.settings")
    import django
    django.setup()
    from agency.pdf import render_pdf
    sys.stdout.buffer.write(render_pdf("pdf/agency_test.html", {"evil": "万科翡翠公园 年度客户计划"}))
    """
)


def _fontconfig_without_cjk(tmp_path) -> Path:
    """A fontconfig that sees only Latin fonts (DejaVu when present, else none)."""
    dirs = [d for d in ("/usr/share/fonts/truetype/dejavu",) if Path(d).is_dir()]
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        + "".join(f"<dir>{d}</dir>" for d in dirs)
        + f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )
    return conf


def test_the_pdf_embeds_the_shipped_cjk_font_when_the_system_has_none(tmp_path):
    if not shutil.which("pdftotext") or not shutil.which("fc-list"):
        pytest.fail("poppler-utils and fontconfig are required (see README: system packages)")
    conf = _fontconfig_without_cjk(tmp_path)
    env = {"FONTCONFIG_FILE": str(conf), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    # given: the system fonts this process sees include no CJK face
    seen = subprocess.run(  # noqa: S603 - our own fixed commands
        [shutil.which("fc-list"), ":lang=zh"], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert seen.strip() == ""
    # when: a Chinese PDF is rendered in that environment
    env["DJANGO_SETTINGS_MODULE"] = "agency.settings"
    env["DEBUG"] = "1"
    pdf = subprocess.run(  # noqa: S603 - our own fixed commands
        [sys.executable, "-c", RENDER], env=env, cwd=ROOT, capture_output=True, check=True
    ).stdout
    assert pdf.startswith(b"%PDF-")
    (tmp_path / "out.pdf").write_bytes(pdf)
    # then: the shipped face is embedded and the text extracts as Chinese
    fonts = subprocess.run(  # noqa: S603 - our own fixed commands
        [shutil.which("pdffonts"), str(tmp_path / "out.pdf")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Agency-Sans-SC" in fonts and " yes yes " in fonts, fonts  # embedded, subset
    text = subprocess.run(  # noqa: S603 - our own fixed commands
        [shutil.which("pdftotext"), str(tmp_path / "out.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "万科翡翠公园" in text and "测试" in text, text


def test_the_shipped_font_is_licensed_and_covers_gbk():
    from fontTools.ttLib import TTFont

    font = TTFont(ROOT / "static" / "fonts" / "AgencySansSC-Regular.otf", lazy=True)
    cmap = font.getBestCmap()
    assert all(ord(ch) in cmap for ch in "万科翡翠公园喆堃，：；（）¥")
    assert "Open Font License" in (ROOT / "static" / "fonts" / "OFL.txt").read_text()
