from django.utils import timezone

from agency.roles import Role

from .models import Notification


def navigation(request):
    """Unread inbox count for the navigation bar (one cheap indexed query), and
    for admins the year whose working-day calendar is still missing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    context = {
        "unread_notifications": Notification.objects.filter(recipient=user, read_at=None).count
    }
    if user.is_superuser or user.role == Role.ADMIN:
        from .workdays import missing_next_year

        # Callable: evaluated only where base.html shows it, and only from 1 November.
        context["workday_calendar_missing"] = lambda: missing_next_year(timezone.localdate())
    return context
