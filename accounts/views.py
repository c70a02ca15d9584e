"""Thin views: access check -> form -> service -> redirect + message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agency.errors import DomainError
from agency.permissions import deny_unless

from . import services
from .filters import ClientFilter
from .forms import (
    CheckInForm,
    ClientForm,
    ContactForm,
    LanguageForm,
    MembershipAddForm,
    MembershipForm,
    PartyForm,
)
from .models import Contact, Party, TeamMembership
from .selectors import (
    checkin_get_for_user,
    client_detail_data,
    client_get_for_user,
    client_list_for_user,
)


def client_list(request):
    filterset = ClientFilter(request.GET, queryset=client_list_for_user(request.user))
    page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/client_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "may_create": services.client_may_create(request.user),
        },
    )


def client_detail(request, pk):
    client, access = client_get_for_user(request.user, pk)
    context = {"client": client, "access": access, **client_detail_data(client, access)}
    context["checkin_form"] = CheckInForm() if access.can_add_checkin else None
    context["extra_panels"] = _client_panels(request, client, access)
    return render(request, "accounts/client_detail.html", context)


def _client_panels(request, client, access):
    """Panels other apps add to the client page (plans, briefs, rounds, billing)."""
    from agency import client_panels

    return client_panels.panels_for(request, client, access)


def client_create(request):
    deny_unless(services.client_may_create(request.user))
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        client = services.client_create(actor=request.user, data=form.cleaned_data)
        messages.success(request, _("Client created."))
        return redirect(client)
    return render(request, "accounts/form.html", {"form": form, "title": _("New client")})


def client_edit(request, pk):
    client, access = client_get_for_user(request.user, pk)
    deny_unless(access.can_edit)
    form = ClientForm(request.POST or None, instance=client)
    if request.method == "POST" and form.is_valid():
        # The form validated on a copy; the service re-checks and saves.
        client.refresh_from_db()
        services.client_update(actor=request.user, client=client, data=form.cleaned_data)
        messages.success(request, _("Client saved."))
        return redirect(client)
    return render(
        request, "accounts/form.html", {"form": form, "client": client, "title": _("Edit client")}
    )


def _child_form(request, pk, child_pk, *, model, form_class, save, title, related):
    client, access = client_get_for_user(request.user, pk)
    obj = None
    if child_pk is not None:
        obj = get_object_or_404(getattr(client, related), pk=child_pk)
    deny_unless(access.can_edit)
    form = form_class(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        if obj is not None:
            obj.refresh_from_db()
        save(actor=request.user, client=client, data=form.cleaned_data, **{model: obj})
        messages.success(request, _("Saved."))
        return redirect(client)
    return render(request, "accounts/form.html", {"form": form, "client": client, "title": title})


def contact_form(request, pk, contact_pk=None):
    return _child_form(
        request,
        pk,
        contact_pk,
        model="contact",
        form_class=ContactForm,
        save=services.contact_save,
        related="contacts",
        title=_("Edit contact") if contact_pk else _("New contact"),
    )


def party_form(request, pk, party_pk=None):
    return _child_form(
        request,
        pk,
        party_pk,
        model="party",
        form_class=PartyForm,
        save=services.party_save,
        related="parties",
        title=_("Edit cooperating party") if party_pk else _("New cooperating party"),
    )


@require_POST
def contact_delete(request, pk, contact_pk):
    client, _access = client_get_for_user(request.user, pk)
    contact = get_object_or_404(Contact, client=client, pk=contact_pk)
    services.contact_delete(actor=request.user, contact=contact)
    messages.success(request, _("Contact removed."))
    return redirect(client)


@require_POST
def party_delete(request, pk, party_pk):
    client, _access = client_get_for_user(request.user, pk)
    party = get_object_or_404(Party, client=client, pk=party_pk)
    services.party_delete(actor=request.user, party=party)
    messages.success(request, _("Cooperating party removed."))
    return redirect(client)


def membership_add(request, pk):
    client, access = client_get_for_user(request.user, pk)
    deny_unless(access.can_edit)
    form = MembershipAddForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.membership_add(actor=request.user, client=client, user=data["user"], data=data)
        except DomainError as e:
            form.add_error("user", e.message)
        else:
            messages.success(request, _("Team member added."))
            return redirect(client)
    return render(
        request,
        "accounts/form.html",
        {"form": form, "client": client, "title": _("Add team member")},
    )


def membership_edit(request, pk, membership_pk):
    client, access = client_get_for_user(request.user, pk)
    membership = get_object_or_404(TeamMembership, client=client, pk=membership_pk)
    deny_unless(access.can_edit)
    form = MembershipForm(request.POST or None, instance=membership)
    if request.method == "POST" and form.is_valid():
        membership.refresh_from_db()
        services.membership_update(
            actor=request.user, membership=membership, data=form.cleaned_data
        )
        messages.success(request, _("Team member saved."))
        return redirect(client)
    title = _("Team member: %(name)s") % {"name": membership.user}
    return render(request, "accounts/form.html", {"form": form, "client": client, "title": title})


@require_POST
def membership_remove(request, pk, membership_pk):
    client, _access = client_get_for_user(request.user, pk)
    membership = get_object_or_404(TeamMembership, client=client, pk=membership_pk)
    services.membership_remove(actor=request.user, membership=membership)
    messages.success(request, _("Team member removed."))
    return redirect(client)


def checkin_add(request, pk):
    client, access = client_get_for_user(request.user, pk, need_work=True)
    deny_unless(access.can_add_checkin)
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        checkin = services.checkin_add(actor=request.user, client=client, data=form.cleaned_data)
        if request.htmx:
            # Inline add on the client page: return the new timeline entry and a fresh form.
            return render(
                request,
                "accounts/_checkin_added.html",
                {"checkin": checkin, "client": client, "checkin_form": CheckInForm()},
            )
        messages.success(request, _("Check-in recorded."))
        return redirect(client)
    template = "accounts/_checkin_form.html" if request.htmx else "accounts/form.html"
    return render(
        request,
        template,
        {"form": form, "checkin_form": form, "client": client, "title": _("New check-in")},
    )


def checkin_edit(request, pk, checkin_pk):
    checkin, access = checkin_get_for_user(request.user, pk, checkin_pk)
    form = CheckInForm(request.POST or None, instance=checkin)
    deny_unless(access.can_add_checkin and checkin.author_id == request.user.pk)
    if request.method == "POST" and form.is_valid():
        checkin.refresh_from_db()
        services.checkin_update(actor=request.user, checkin=checkin, data=form.cleaned_data)
        messages.success(request, _("Check-in saved."))
        return redirect(checkin.client)
    return render(
        request,
        "accounts/form.html",
        {"form": form, "client": checkin.client, "title": _("Edit check-in")},
    )


@login_not_required
@require_POST
def set_language(request):
    """Switch language; remembered on the user (and in a cookie for the login page)."""
    from django.conf import settings
    from django.utils import translation

    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if form.is_valid():
        language = form.cleaned_data["language"]
        services.user_set_language(user=request.user, language=language)
        translation.activate(language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response
