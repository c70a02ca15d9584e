"""Issue 18 (Low): a creative file is stored and offered under its DETECTED
type's extension, and a pixel bomb is refused."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from agency.errors import DomainError
from briefs import services
from briefs.models import CreativeFile, CreativeWork
from briefs.uploads import MAX_IMAGE_PIXELS, stored_name

from .conftest import S


def _png(size=(8, 8)) -> bytes:
    buf = io.BytesIO()
    Image.new("1", size, 1).save(buf, format="PNG")
    return buf.getvalue()


def test_a_png_named_html_is_stored_and_offered_as_png(cast, make_brief, as_user):
    brief = make_brief(S.BRIEFED)
    upload = SimpleUploadedFile("poly2.html", _png() + b"<script>alert(1)</script>", "text/html")
    work = services.work_submit(actor=cast.copywriter, brief=brief, title="Poly", files=[upload])
    f = work.files.get()
    assert f.kind == "png"
    assert f.original_name == "poly2.png"
    response = as_user(cast.am).get(reverse("briefs:file_download", args=[f.pk]))
    assert response["Content-Type"] == "image/png"
    assert 'filename="poly2.png"' in response["Content-Disposition"]


def test_an_old_row_with_the_uploaders_extension_is_offered_under_the_detected_one(
    cast, make_brief, as_user
):
    brief = make_brief(S.BRIEFED)
    work = services.work_submit(
        actor=cast.copywriter,
        brief=brief,
        title="Poly",
        files=[SimpleUploadedFile("a.png", _png(), "image/png")],
    )
    CreativeFile.objects.filter(work=work).update(original_name="poly2.html")
    f = work.files.get()
    response = as_user(cast.am).get(reverse("briefs:file_download", args=[f.pk]))
    assert 'filename="poly2.png"' in response["Content-Disposition"]


def test_a_pixel_bomb_is_refused_and_nothing_is_stored(cast, make_brief):
    brief = make_brief(S.BRIEFED)
    bomb = SimpleUploadedFile("bomb.png", _png((12000, 12000)), "image/png")  # 144 MP
    with pytest.raises(DomainError) as info:
        services.work_submit(actor=cast.copywriter, brief=brief, title="Bomb", files=[bomb])
    assert "megapixels" in str(info.value)
    assert not CreativeWork.objects.filter(brief=brief, title="Bomb").exists()


def test_a_pixel_bomb_is_a_form_error_on_the_upload_page(cast, make_brief, as_user):
    brief = make_brief(S.BRIEFED)
    side = int(MAX_IMAGE_PIXELS**0.5) + 10
    bomb = SimpleUploadedFile("bomb.png", _png((side, side)), "image/png")
    response = as_user(cast.copywriter).post(
        reverse("briefs:work_create", args=[brief.pk]), {"title": "Bomb", "files": bomb}
    )
    assert response.status_code == 200
    assert "megapixels" in response.content.decode()
    assert not CreativeWork.objects.filter(brief=brief, title="Bomb").exists()


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("poly2.html", "png", "poly2.png"),
        ("photo.JPG", "jpeg", "photo.jpg"),
        ("../../etc/passwd", "pdf", "passwd.pdf"),
        ("海报 v2.final.gif", "gif", "海报 v2final.gif"),
        ("", "webp", "file.webp"),
        ('x"; y.png', "png", "x y.png"),
    ],
)
def test_stored_names_end_in_the_detected_extension(name, kind, expected):
    assert stored_name(name, kind) == expected
