from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.selectors import my_clients

from . import cards, dashboard, search, services
from .models import Notification


def home(request):
    """The role dashboard: cards and charts from the apps, then "waiting for me"."""
    card_list, charts = cards.for_user(request.user)
    return render(
        request,
        "home.html",
        {
            "clients": my_clients(request.user)[:50],
            "sections": dashboard.sections_for(request.user),
            "cards": card_list,
            "charts": charts,
            "chart_data": [c.as_json() for c in charts],
        },
    )


def search_page(request):
    """The navbar box's results, grouped by kind; each app scopes its own rows."""
    query, groups = search.search(request.user, request.GET.get("q", ""))
    return render(
        request,
        "search.html",
        {"search_query": query, "groups": groups},
    )


def inbox(request):
    """The user's notifications, newest first; ?unread=1 shows only the unread."""
    unread_only = request.GET.get("unread") == "1"
    qs = Notification.objects.filter(recipient=request.user).only(
        "pk", "subject", "url", "created_at", "read_at", "kind"
    )
    if unread_only:
        qs = qs.filter(read_at=None)
    page = Paginator(qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "inbox.html",
        {"page": page, "unread_only": unread_only, "query": "unread=1" if unread_only else ""},
    )


def inbox_open(request, pk):
    """Open a notification: mark it read, then go to what it is about."""
    n = get_object_or_404(Notification.objects.only("pk", "url"), pk=pk, recipient=request.user)
    services.notifications_mark_read(user=request.user, ids=[n.pk])
    # Stored absolute (for the email); follow it only to our own site, and
    # then by path so the user stays on the host they are using.
    parts = urlsplit(n.url)
    if not n.url or not url_has_allowed_host_and_scheme(n.url, allowed_hosts=_own_hosts(request)):
        return redirect("inbox")
    return redirect(parts.path + (f"?{parts.query}" if parts.query else ""))


def _own_hosts(request) -> set[str]:
    hosts = {request.get_host()}
    site = urlsplit(settings.SITE_URL).netloc
    if site:
        hosts.add(site)
    return hosts


@require_POST
def inbox_mark_read(request):
    """Mark the posted ids (or, without ids, everything) read: own rows only."""
    ids = request.POST.getlist("id")
    # ids that are not small positive integers are ignored, never a 500
    clean_ids = (
        [int(i) for i in ids if i.isascii() and i.isdigit() and len(i) < 18] if ids else None
    )
    services.notifications_mark_read(user=request.user, ids=clean_ids)
    nxt = request.POST.get("next", "")
    local = nxt.startswith("/")
    if local and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        # A path on this site, never a URL name: redirect("abc") would reverse "abc".
        return HttpResponseRedirect(nxt)
    return redirect("inbox")


@login_not_required
def healthz(request):
    """Liveness for the load balancer: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
