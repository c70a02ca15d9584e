"""The shared mechanisms every app's views and services use."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.test import RequestFactory

from agency.actions import run_service
from agency.errors import DomainError
from agency.files import files_kept_only_on_commit
from tests.helpers import assert_refused

ERR_DEMO = "Refused: %(name)s may not."


def _request(user):
    request = RequestFactory().post("/")
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_domain_error_keeps_its_constant_and_formats_its_message():
    e = DomainError(ERR_DEMO, name="Li")
    assert e.template is ERR_DEMO
    assert e.message == str(e) == "Refused: Li may not."


def test_assert_refused_tells_one_refusal_from_another():
    def refuse():
        raise DomainError(ERR_DEMO, name="Li")

    assert_refused(refuse, ERR_DEMO)
    with pytest.raises(AssertionError):
        assert_refused(refuse, "Another refusal.")


def test_run_service_shows_a_refusal_as_a_message(cast):
    def service(*, actor, value):
        raise DomainError(ERR_DEMO, name=actor.full_name)

    request = _request(cast.am)
    ok, result = run_service(request, service, success="Done.", value=1)
    assert (ok, result) == (False, None)
    assert [str(m) for m in get_messages(request)] == ["Refused: Cast am may not."]


def test_run_service_passes_the_actor_and_reports_success(cast):
    def service(*, actor, value):
        return (actor, value)

    request = _request(cast.am)
    ok, result = run_service(request, service, success="Done.", value=7)
    assert ok and result == (cast.am, 7)
    assert [str(m) for m in get_messages(request)] == ["Done."]


def test_an_upload_whose_transaction_rolls_back_leaves_no_file(tmp_path, db):
    storage = FileSystemStorage(location=tmp_path)

    class Boom(Exception):
        pass

    def service():
        with files_kept_only_on_commit() as keep, transaction.atomic():
            name = storage.save("upload.pdf", ContentFile(b"%PDF-1.4"))
            keep(_FieldFile(storage, name))
            raise Boom  # e.g. a refusal after the file was written

    with pytest.raises(Boom):
        service()
    assert list(tmp_path.iterdir()) == []


def test_an_upload_whose_transaction_commits_is_kept(tmp_path, db):
    storage = FileSystemStorage(location=tmp_path)
    with files_kept_only_on_commit() as keep, transaction.atomic():
        name = storage.save("upload.pdf", ContentFile(b"%PDF-1.4"))
        keep(_FieldFile(storage, name))
    assert [p.name for p in tmp_path.iterdir()] == ["upload.pdf"]


class _FieldFile:
    """The two attributes files_kept_only_on_commit reads from a FieldFile."""

    def __init__(self, storage, name):
        self.storage, self.name = storage, name

    def __bool__(self):
        return True
