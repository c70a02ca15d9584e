from django.shortcuts import render

from .score import AMBER, GREEN, RED, UNKNOWN
from .selectors import client_health_list

BANDS = (GREEN, AMBER, RED, UNKNOWN)


def client_health(request):
    """Every client the user sees with its health; ?band=red narrows (the card's list)."""
    band = request.GET.get("band", "")
    band = band if band in BANDS else ""
    rows = client_health_list(request.user, band or None)
    return render(request, "health/client_health.html", {"rows": rows, "band": band})
