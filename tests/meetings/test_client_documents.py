"""Nothing addressed to a client shows the agency's audience classification of
its people ("陈总 · 决定者"): not the agenda email (text and HTML), not its PDF
(issue 10, bug 6). The PDF downloaded from the meeting page is internal and
keeps it."""

import io

import pytest
from django.utils import translation
from pypdf import PdfReader

from accounts.models import Contact
from meetings import services
from tests.factories import ContactFactory

from .factories import AttendeeFactory


def role_labels() -> set[str]:
    labels = set()
    for language in ("en", "zh-hans"):
        with translation.override(language):
            labels |= {str(label) for _value, label in Contact.AudienceRole.choices}
    return labels


def pdf_text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_labels_searched_for_are_in_both_languages():
    labels = role_labels()
    assert {"Decision maker", "Influencer", "Executor"} <= labels
    assert len(labels) == 6  # the three roles, in English and in Chinese


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_agenda_sent_to_client_contacts_shows_no_audience_role(
    cast, meeting, settings, mailoutbox, django_capture_on_commit_callbacks, language
):
    settings.LANGUAGE_CODE = language  # contacts have no login: the site's language
    for role in Contact.AudienceRole.values:
        contact = ContactFactory(client=cast.client, name=f"王{role}", audience_role=role)
        AttendeeFactory(meeting=meeting, contact=contact)
    contacts = {c.email for c in Contact.objects.filter(client=cast.client)}

    with django_capture_on_commit_callbacks(execute=True):
        services.agenda_send(actor=cast.am, meeting=meeting, include_contacts=True)

    to_clients = [m for m in mailoutbox if m.to[0] in contacts]
    assert len(to_clients) == 4  # 陈总 and one contact of each role
    for message in to_clients:
        (pdf,) = [c for name, c, _t in message.attachments if name.endswith(".pdf")]
        documents = {
            "text": message.body,
            "html": message.alternatives[0][0],
            "pdf": pdf_text(pdf),
            "subject": message.subject,
        }
        assert "陈总" in documents["pdf"]  # the names are there...
        for where, content in documents.items():
            for label in role_labels():  # ...their classification is not
                assert label not in content, f"{label!r} in the client's {where}"


def test_the_internal_pdf_downloaded_from_the_page_keeps_the_classification(cast, meeting):
    text = pdf_text(services.agenda_pdf(meeting))
    assert "陈总" in text and "Decision maker" in text
