import datetime as dt
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from factory.django import DjangoModelFactory
from PIL import Image

from briefs.models import Brief
from tests.factories import ClientFactory, UserFactory


class BriefFactory(DjangoModelFactory):
    class Meta:
        model = Brief

    client = factory.SubFactory(ClientFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Spring launch {n}")
    client_problem = "Sales of phase 2 are slow."
    marketing_problem = "Buyers think the area is far from the city."
    communication_problem = "Nobody knows the new metro line opens next year."
    target_audience = "Young families in the city working in the CBD."
    proposition = "Twenty minutes to the CBD."
    support = "Metro line 9 opens in June."
    mandatories = "Logo, hotline, licence number."
    deliverables = "One print ad, one 15-second video; 300 leads in a month."
    deadline = factory.LazyFunction(lambda: dt.date(2026, 12, 31))


def png_bytes(size=(8, 8)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, format="PNG")
    return buf.getvalue()


def png_upload(name="sketch.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def pdf_upload(name="layout.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )


def exe_as_png(name="innocent.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"MZ\x90\x00\x03" + b"\x00" * 200, content_type="image/png")
