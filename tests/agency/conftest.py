import pytest
from django.contrib.contenttypes.models import ContentType


@pytest.fixture(autouse=True)
def _clear_content_type_cache():
    # Transactional tests flush tables; a cached ContentType id from an
    # earlier test would point at nothing.
    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


@pytest.fixture
def sent_to():
    """sent_to(kind) -> {username: [occurrence...]} of inbox rows for that reminder kind."""
    from agency.models import Notification

    def collect(kind):
        out = {}
        for n in (
            Notification.objects.filter(kind=f"reminder.{kind}")
            .select_related("recipient")
            .order_by("created_at", "pk")
        ):
            out.setdefault(n.recipient.username, []).append(n.subject)
        return out

    return collect
