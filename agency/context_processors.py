from .models import Notification


def navigation(request):
    """Unread inbox count for the navigation bar (one cheap indexed query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": Notification.objects.filter(recipient=user, read_at=None).count}
