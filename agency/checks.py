"""System checks for what PDFs need from the operating system.

`manage.py check`, `migrate` and `runserver` (so `make run`) print these as
warnings: the app runs without them, but Chinese PDFs do not come out right.

- agency.W001: no CJK font known to fontconfig: Chinese text in every PDF
  (plans, briefs, agendas, invoices) prints as empty boxes.
  Debian: `apt-get install fonts-noto-cjk` (the PDFs name "Noto Sans CJK SC").
- agency.W002: no HarfBuzz subset library: WeasyPrint embeds the whole CJK
  font instead of the glyphs used, so one Chinese page takes seconds and
  megabytes. Debian: `apt-get install libharfbuzz-subset0`.

The probes are plain functions so tests can replace them.
"""

import ctypes
import ctypes.util
import shutil
import subprocess

from django.core.checks import Tags, Warning, register

HARFBUZZ_SUBSET_NAMES = ("libharfbuzz-subset.so.0", "libharfbuzz-subset.0.dylib")


def cjk_font_found() -> bool:
    """True when fontconfig knows a font covering Chinese (`fc-list :lang=zh`)."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return False
    try:
        result = subprocess.run(  # noqa: S603 - fixed arguments, no user input
            [fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=20
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0 and bool(result.stdout.strip())


def harfbuzz_subset_found() -> bool:
    """True when the HarfBuzz subset library can be loaded (as WeasyPrint loads it)."""
    if ctypes.util.find_library("harfbuzz-subset"):
        return True
    for name in HARFBUZZ_SUBSET_NAMES:
        try:
            ctypes.CDLL(name)
        except OSError:
            continue
        return True
    return False


@register(Tags.compatibility)
def pdf_system_packages(app_configs, **kwargs):
    warnings = []
    if not cjk_font_found():
        warnings.append(
            Warning(
                "No CJK font found (`fc-list :lang=zh` lists none): Chinese text in PDFs "
                "will print as empty boxes.",
                hint="Install one: apt-get install fonts-noto-cjk",
                id="agency.W001",
            )
        )
    if not harfbuzz_subset_found():
        warnings.append(
            Warning(
                "The HarfBuzz subset library is missing: PDFs with Chinese text take "
                "seconds and embed whole fonts.",
                hint="Install it: apt-get install libharfbuzz-subset0",
                id="agency.W002",
            )
        )
    return warnings
