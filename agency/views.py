from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.selectors import my_clients

from . import dashboard, services
from .models import Notification


def home(request):
    return render(
        request,
        "home.html",
        {
            "clients": my_clients(request.user)[:50],
            "sections": dashboard.sections_for(request.user),
        },
    )


def inbox(request):
    qs = Notification.objects.filter(recipient=request.user).only(
        "pk", "subject", "url", "created_at", "read_at", "kind"
    )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "inbox.html", {"page": page})


@require_POST
def inbox_mark_read(request):
    ids = request.POST.getlist("id")
    clean_ids = [int(i) for i in ids if i.isdigit()] if ids else None
    services.notifications_mark_read(user=request.user, ids=clean_ids)
    return redirect(
        request.POST.get("next") if request.POST.get("next", "").startswith("/") else "inbox"
    )


@login_not_required
def healthz(request):
    """Liveness for the load balancer: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
