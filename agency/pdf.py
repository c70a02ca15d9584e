"""PDF rendering with WeasyPrint, shared by plans, briefs, meetings and billing.

Two rules hold for every PDF:
- the HTML comes from a Django template, so user text is autoescaped;
- the URL fetcher serves only our own static files. `file://`, `http(s)://`
  anywhere else and everything else is refused, so a user field can never make
  the server read local files or call the network.

Chinese text: templates/pdf/base.html names "Noto Sans CJK SC" (Debian's
fonts-noto-cjk) explicitly. With libharfbuzz-subset0 installed WeasyPrint
subsets the large CJK font quickly; without it one Chinese page takes seconds.
"""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

# A base URL that never resolves on the network: relative links in templates
# resolve against it and are then mapped to files by the fetcher below.
PDF_BASE_URL = "https://pdf.invalid/"
_STATIC_PREFIX = PDF_BASE_URL.rstrip("/") + settings.STATIC_URL


class BlockedURL(ValueError):
    pass


class StaticOnlyFetcher(URLFetcher):
    """Serve `<PDF_BASE_URL>/static/...` from our static files; refuse the rest."""

    def fetch(self, url, headers=None):
        if not url.startswith(_STATIC_PREFIX):
            raise BlockedURL(f"PDF rendering may not fetch {url[:80]}")
        relative = url[len(_STATIC_PREFIX) :].split("?")[0].split("#")[0]
        # An absolute path ("/static//etc/passwd") would make `root / relative`
        # below BE that path, and finders only refuse it by raising: refuse it here.
        if not relative or relative.startswith(("/", "\\")) or "\\" in relative:
            raise BlockedURL("absolute path refused")
        if ".." in Path(relative).parts:
            raise BlockedURL("path traversal refused")
        found = finders.find(relative)
        if not found:
            static_root = Path(settings.STATIC_ROOT).resolve()
            root = (static_root / relative).resolve()
            found = str(root) if root.is_file() and root.is_relative_to(static_root) else None
        if not found:
            raise BlockedURL(f"no static file {relative}")
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, Path(found).read_bytes(), {"Content-Type": content_type}, 200
        )


def render_pdf_html(template: str, context: dict) -> str:
    return render_to_string(template, context)


def html_to_pdf(html: str) -> bytes:
    font_config = FontConfiguration()
    return HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf(
        font_config=font_config
    )


def render_pdf(template: str, context: dict) -> bytes:
    return html_to_pdf(render_pdf_html(template, context))


def pdf_response(pdf: bytes, filename: str):
    from django.http import HttpResponse

    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
