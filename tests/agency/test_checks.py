"""`manage.py check` (so `make run`) says when Chinese PDFs cannot come out right."""

import io
import subprocess

import pytest
from django.core.checks import run_checks
from django.core.management import call_command

from agency import checks


def _ids():
    return {m.id for m in run_checks() if m.id and m.id.startswith("agency.")}


@pytest.fixture
def all_present(monkeypatch):
    monkeypatch.setattr(checks, "cjk_font_found", lambda: True)
    monkeypatch.setattr(checks, "harfbuzz_subset_found", lambda: True)


def test_no_warning_when_font_and_harfbuzz_subset_are_there(all_present):
    assert _ids() == set()


def test_missing_cjk_font_is_warned_by_manage_py_check(all_present, monkeypatch):
    monkeypatch.setattr(checks, "cjk_font_found", lambda: False)
    assert _ids() == {"agency.W001"}
    out, err = io.StringIO(), io.StringIO()
    call_command("check", stdout=out, stderr=err)
    said = out.getvalue() + err.getvalue()
    assert "agency.W001" in said and "fonts-noto-cjk" in said


def test_missing_harfbuzz_subset_is_warned(all_present, monkeypatch):
    monkeypatch.setattr(checks, "harfbuzz_subset_found", lambda: False)
    assert _ids() == {"agency.W002"}
    assert "libharfbuzz-subset0" in next(m.hint for m in run_checks() if m.id == "agency.W002")


def test_font_probe_reads_fc_list(monkeypatch):
    monkeypatch.setattr(checks.shutil, "which", lambda name: "/usr/bin/fc-list")

    def fc_list(stdout):
        return lambda *a, **k: subprocess.CompletedProcess(a, 0, stdout=stdout, stderr="")

    monkeypatch.setattr(checks.subprocess, "run", fc_list("Noto Sans CJK SC\n"))
    assert checks.cjk_font_found()
    monkeypatch.setattr(checks.subprocess, "run", fc_list(""))
    assert not checks.cjk_font_found()
    monkeypatch.setattr(checks.shutil, "which", lambda name: None)  # no fontconfig at all
    assert not checks.cjk_font_found()


def test_harfbuzz_probe_tries_to_load_the_library(monkeypatch):
    monkeypatch.setattr(checks.ctypes.util, "find_library", lambda name: None)

    def cannot_load(name):
        raise OSError(name)

    monkeypatch.setattr(checks.ctypes, "CDLL", cannot_load)
    assert not checks.harfbuzz_subset_found()
    monkeypatch.setattr(checks.ctypes, "CDLL", lambda name: object())
    assert checks.harfbuzz_subset_found()
