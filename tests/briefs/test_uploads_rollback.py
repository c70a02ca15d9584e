"""An upload whose transaction rolls back leaves no file in storage (issue 10)."""

import pytest

from briefs import services
from briefs.models import Brief, CreativeFile, CreativeWork

from .conftest import S
from .factories import pdf_upload, png_upload

pytestmark = pytest.mark.django_db


def _files(root):
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


class Boom(Exception):
    pass


def test_a_failure_after_the_files_are_saved_leaves_no_file(
    cast, make_brief, settings, monkeypatch
):
    brief = make_brief(S.BRIEFED)
    root = settings.MEDIA_ROOT
    before = _files(root)

    def fail(**kwargs):
        # The files and their rows are written by now: the failure comes after.
        assert CreativeFile.objects.count() == 2
        assert len(_files(root)) == len(before) + 2
        raise Boom

    monkeypatch.setattr(services, "timeline_record", fail)
    with pytest.raises(Boom):
        services.work_submit(
            actor=cast.copywriter, brief=brief, title="Poster", files=[png_upload(), pdf_upload()]
        )
    assert _files(root) == before
    assert not CreativeWork.objects.exists() and not CreativeFile.objects.exists()
    assert Brief.objects.get(pk=brief.pk).status == S.BRIEFED


def test_a_committed_upload_keeps_its_file(cast, make_brief, settings):
    brief = make_brief(S.BRIEFED)
    work = services.work_submit(
        actor=cast.copywriter, brief=brief, title="Poster", files=[png_upload()]
    )
    f = work.files.get()
    assert f.file.storage.exists(f.file.name)
