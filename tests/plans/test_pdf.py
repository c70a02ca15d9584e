import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from agency import pdf as agency_pdf
from agency.pdf import BlockedURL, StaticOnlyFetcher
from plans import services

from .factories import PhaseGoalFactory, StrategyFactory


def pdf_of(response) -> PdfReader:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(body))


def text_of(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def embedded_fonts(reader: PdfReader) -> set[str]:
    """Names of the fonts whose program is embedded in the file."""
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            targets = [d.get_object() for d in descendants] if descendants else [font]
            for target in targets:
                descriptor = target.get("/FontDescriptor")
                if descriptor is None:
                    continue
                descriptor = descriptor.get_object()
                if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.add(str(font["/BaseFont"]))
    return names


def test_plan_pdf_has_the_chinese_goals_and_embeds_a_cjk_font(cast, as_user, approved_plan):
    approved_plan.annual_goals = "年度签约额突破一亿元"
    approved_plan.save()
    reader = pdf_of(as_user(cast.am).get(reverse("plans:plan_pdf", args=[approved_plan.pk])))
    text = text_of(reader)
    assert "年度签约额突破一亿元" in text
    assert "开盘前蓄客 3000 组" in text  # phase goal
    assert "以社区生活方式定位" in text  # strategy
    assert "售楼处开放活动" in "".join(text.split())  # activity
    assert "400,000.00" in text  # profit = revenue − cost
    # the review and sign-off block names the people
    assert "Cast bd" in text and "Cast cd" in text and "Cast md" in text
    fonts = embedded_fonts(reader)
    assert any("Agency-Sans-SC" in name for name in fonts), fonts  # the shipped face


def test_plan_pdf_follows_the_page_rules(cast, as_user, draft_plan):
    url = reverse("plans:plan_pdf", args=[draft_plan.pk])
    assert as_user(cast.outsider).get(url).status_code == 404
    assert as_user(cast.finance).get(url).status_code == 404
    assert as_user(cast.copywriter).get(url).status_code == 200


def test_plan_pdf_in_chinese_for_a_chinese_user(cast, as_user, draft_plan):
    cast.am.language = "zh-hans"
    cast.am.save(update_fields=["language"])
    text = text_of(pdf_of(as_user(cast.am).get(reverse("plans:plan_pdf", args=[draft_plan.pk]))))
    assert "阶段性目标" in text
    assert "损益目标" in text


HOSTILE = [
    '<img src="file:///etc/passwd">',
    '<link rel="stylesheet" href="http://evil.test/x.css">',
    "<style>@import url(https://evil.test/y.css);</style>",
    '<img src="/static/../../etc/passwd">',
]


def test_user_fields_cannot_make_the_renderer_fetch_anything(
    cast, as_user, draft_plan, monkeypatch
):
    fetched = []
    real_fetch = StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return real_fetch(self, url, headers)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", spy)
    draft_plan.annual_goals = "\n".join(HOSTILE)
    draft_plan.training_plan = HOSTILE[1]
    draft_plan.save()
    PhaseGoalFactory(plan=draft_plan, title=HOSTILE[0], measure=HOSTILE[2])
    StrategyFactory(plan=draft_plan, title=HOSTILE[3], description=HOSTILE[1])
    response = as_user(cast.am).get(reverse("plans:plan_pdf", args=[draft_plan.pk]))
    text = text_of(pdf_of(response))
    # Nothing but our own stylesheet (and what it references) was requested...
    assert fetched
    assert all(u.startswith("https://pdf.invalid/static/") for u in fetched), fetched
    assert not any("passwd" in u or "evil" in u for u in fetched)
    # ...and the markup is printed as text, escaped.
    assert 'src="file:///etc/passwd"' in text.replace("\n", "")


def test_the_rendered_html_escapes_user_text(cast, draft_plan):
    from plans.selectors import plan_detail_data

    draft_plan.annual_goals = HOSTILE[0]
    html = agency_pdf.render_pdf_html(
        "pdf/plans/plan.html", {"plan": draft_plan, **plan_detail_data(draft_plan)}
    )
    assert "<img src" not in html
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://evil.test/x.css",
        "https://evil.test/static/css/pdf.css",
        "https://pdf.invalid/etc/passwd",
        "https://pdf.invalid/static/../../etc/passwd",
        "https://pdf.invalid/static//etc/passwd",
        "https://pdf.invalid/static/css/../../../etc/passwd",
        "data:text/plain,hello",
    ],
)
def test_the_fetcher_refuses_everything_but_our_static_files(url):
    with pytest.raises(BlockedURL):
        StaticOnlyFetcher().fetch(url)


def test_the_fetcher_never_reads_an_absolute_path_even_without_finders(
    monkeypatch, settings, tmp_path
):
    # Where static files come only from STATIC_ROOT (finders find nothing), the
    # old code joined STATIC_ROOT with "/etc/passwd" and read the absolute path.
    monkeypatch.setattr(agency_pdf.finders, "find", lambda path: None)
    settings.STATIC_ROOT = str(tmp_path)
    with pytest.raises(BlockedURL):
        StaticOnlyFetcher().fetch("https://pdf.invalid/static//etc/passwd")


def test_the_fetcher_serves_our_stylesheet():
    response = StaticOnlyFetcher().fetch("https://pdf.invalid/static/css/pdf.css")
    assert response.status == 200
    assert b"AgencySansSC-Regular.otf" in response.read()


def test_pdf_of_a_submitted_plan_lists_the_current_reviews(cast, as_user, submitted_plan):
    services.plan_review(actor=cast.bd, plan=submitted_plan, decision="agree", comment="同意方向")
    text = text_of(
        pdf_of(as_user(cast.md).get(reverse("plans:plan_pdf", args=[submitted_plan.pk])))
    )
    assert "同意方向" in text


def test_the_cjk_font_is_subset_by_harfbuzz_so_chinese_pdfs_stay_fast_and_small(
    cast, as_user, approved_plan
):
    """Without libharfbuzz-subset0 WeasyPrint falls back to fontTools: one
    Chinese page takes ~9 s instead of ~0.2 s (issue 3)."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    from ..conftest import require_service

    require_service(
        "libharfbuzz-subset0",
        harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0)),
        "WeasyPrint cannot load libharfbuzz-subset >= 4.1",
    )
    response = as_user(cast.am).get(reverse("plans:plan_pdf", args=[approved_plan.pk]))
    reader = pdf_of(response)
    assert len(response.content) < 1024 * 1024  # the subset, not the 16 MB font
    # A subset font's name carries a six-letter tag: "ABCDEF+Agency-Sans-SC".
    cjk = [name for name in embedded_fonts(reader) if "Agency-Sans-SC" in name]
    assert cjk and all("+" in name for name in cjk), cjk
