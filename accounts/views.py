"""Thin views: access check -> form -> service -> redirect + message."""

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from agency.actions import render_form, run_and_redirect, run_service
from agency.permissions import deny_unless
from agency.timeline import labelled_timeline

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
from .team_roles import RESERVED_TEAM_ROLES, role_label, sets_reserved_roles


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


# How the client's timeline reads: team changes (accounts.services.team_changes_record).
TIMELINE_LABELS = {
    services.TEAM_ADDED: gettext_lazy("%(name)s joined the team as %(new_role)s"),
    services.TEAM_REMOVED: gettext_lazy("%(name)s left the team (was %(old_role)s)"),
    services.TEAM_ROLE_CHANGED: gettext_lazy("%(name)s: team role %(old_role)s → %(new_role)s"),
    services.TEAM_LEAD_SET: gettext_lazy("%(name)s is now the account lead"),
    services.TEAM_LEAD_UNSET: gettext_lazy("%(name)s is no longer the account lead"),
}


def _client_timeline(client) -> list:
    events = labelled_timeline(client, TIMELINE_LABELS)
    for e in events:
        if e.action in TIMELINE_LABELS:
            data = e.data or {}
            e.label = str(e.label) % {
                "name": data.get("name") or "?",
                "old_role": role_label(data.get("old_role")),
                "new_role": role_label(data.get("new_role")),
            }
    return events


def client_detail(request, pk):
    client, access = client_get_for_user(request.user, pk)
    context = {"client": client, "access": access, **client_detail_data(client, access)}
    context["timeline"] = _client_timeline(client)
    context["may_set_reserved"] = sets_reserved_roles(request.user)
    context["reserved_roles"] = sorted(RESERVED_TEAM_ROLES)
    context["checkin_form"] = CheckInForm() if access.can_add_checkin else None
    context["extra_panels"] = _client_panels(request, client, access)
    return render(request, "accounts/client_detail.html", context)


def _client_panels(request, client, access):
    """Panels other apps add to the client page (plans, briefs, rounds, billing)."""
    from agency import client_panels

    return client_panels.panels_for(request, client, access)


def _form_page(request, form, *, title, client=None):
    """The shared form page, under Clients > this client."""
    crumbs = [(_("Clients"), reverse("accounts:client_list"))]
    if client is not None:
        crumbs.append((client.name, client.get_absolute_url()))
    return render_form(request, form, title=title, breadcrumbs=crumbs, back=crumbs[-1][1])


def client_create(request):
    deny_unless(services.client_may_create(request.user))
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, client = run_service(
            request, services.client_create, success=_("Client created."), data=form.cleaned_data
        )
        if ok:
            return redirect(client)
    return _form_page(request, form, title=_("New client"))


def client_edit(request, pk):
    client, access = client_get_for_user(request.user, pk)
    deny_unless(access.can_edit)
    form = ClientForm(request.POST or None, instance=client)
    if request.method == "POST" and form.is_valid():
        # The form validated on a copy; the service re-checks and saves.
        client.refresh_from_db()
        ok, _client = run_service(
            request,
            services.client_update,
            success=_("Client saved."),
            client=client,
            data=form.cleaned_data,
        )
        if ok:
            return redirect(client)
    return _form_page(request, form, title=_("Edit client"), client=client)


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
        ok, _obj = run_service(
            request,
            save,
            success=_("Saved."),
            client=client,
            data=form.cleaned_data,
            **{model: obj},
        )
        if ok:
            return redirect(client)
    return _form_page(request, form, title=title, client=client)


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
    return run_and_redirect(
        request, services.contact_delete, client, success=_("Contact removed."), contact=contact
    )


@require_POST
def party_delete(request, pk, party_pk):
    client, _access = client_get_for_user(request.user, pk)
    party = get_object_or_404(Party, client=client, pk=party_pk)
    return run_and_redirect(
        request,
        services.party_delete,
        client,
        success=_("Cooperating party removed."),
        party=party,
    )


def membership_add(request, pk):
    client, access = client_get_for_user(request.user, pk)
    deny_unless(access.can_edit)
    form = MembershipAddForm(request.POST or None, client=client, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, _membership = run_service(
            request,
            services.membership_add,
            success=_("Team member added."),
            client=client,
            user=data["user"],
            data=data,
        )
        if ok:
            return redirect(client)
    return _form_page(request, form, title=_("Add team member"), client=client)


def membership_edit(request, pk, membership_pk):
    client, access = client_get_for_user(request.user, pk)
    membership = get_object_or_404(
        TeamMembership.objects.select_related("user"), client=client, pk=membership_pk
    )
    deny_unless(access.can_edit)
    form = MembershipForm(request.POST or None, instance=membership, actor=request.user)
    if request.method == "POST" and form.is_valid():
        membership.refresh_from_db()
        ok, _membership = run_service(
            request,
            services.membership_update,
            success=_("Team member saved."),
            membership=membership,
            data=form.cleaned_data,
        )
        if ok:
            return redirect(client)
    title = _("Team member: %(name)s") % {"name": membership.user}
    return _form_page(request, form, title=title, client=client)


@require_POST
def membership_remove(request, pk, membership_pk):
    client, _access = client_get_for_user(request.user, pk)
    membership = get_object_or_404(TeamMembership, client=client, pk=membership_pk)
    return run_and_redirect(
        request,
        services.membership_remove,
        client,
        success=_("Team member removed."),
        membership=membership,
    )


def checkin_add(request, pk):
    client, access = client_get_for_user(request.user, pk, need_work=True)
    deny_unless(access.can_add_checkin)
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, checkin = run_service(
            request,
            services.checkin_add,
            # Inline add on the client page shows the new entry itself, no message.
            success=None if request.htmx else _("Check-in recorded."),
            client=client,
            data=form.cleaned_data,
        )
        if ok and request.htmx:
            # Return the new timeline entry and a fresh form.
            return render(
                request,
                "accounts/_checkin_added.html",
                {"checkin": checkin, "client": client, "checkin_form": CheckInForm()},
            )
        if ok:
            return redirect(client)
    if request.htmx:
        return render(
            request,
            "accounts/_checkin_form.html",
            {"checkin_form": form, "client": client},
        )
    return _form_page(request, form, title=_("New check-in"), client=client)


def checkin_edit(request, pk, checkin_pk):
    checkin, access = checkin_get_for_user(request.user, pk, checkin_pk)
    form = CheckInForm(request.POST or None, instance=checkin)
    deny_unless(access.can_add_checkin and checkin.author_id == request.user.pk)
    if request.method == "POST" and form.is_valid():
        checkin.refresh_from_db()
        ok, _checkin = run_service(
            request,
            services.checkin_update,
            success=_("Check-in saved."),
            checkin=checkin,
            data=form.cleaned_data,
        )
        if ok:
            return redirect(checkin.client)
    return _form_page(request, form, title=_("Edit check-in"), client=checkin.client)


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
