"""Thin views: access check -> form -> service -> redirect + message."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from agency.actions import render_form, run_and_redirect, run_service
from agency.pdf import pdf_response
from agency.permissions import NOT_FOUND, deny_unless
from agency.timeline import labelled_timeline
from briefs.uploads import sniff_any, stored_name

from . import forms, services
from .ical import calendar_bytes, meeting_event, meeting_ics
from .models import (
    AgendaDispatch,
    AgendaItem,
    Attendee,
    Meeting,
    PresentationRound,
    SupportingMaterial,
)
from .selectors import (
    action_item_get_for_user,
    clients_user_may_organise,
    feed_token_active_for,
    feed_token_get,
    meeting_detail_data,
    meeting_get_for_user,
    meeting_list_filtered,
    meeting_may_organise_for_client,
    meeting_people,
    meetings_in_feed,
)

PAGE_SIZE = 25


def _posted(request):
    """The POST data, bound even when empty (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None


def _round_or_404(meeting: Meeting) -> PresentationRound:
    try:
        return PresentationRound.objects.select_related("presentation", "meeting").get(
            meeting=meeting
        )
    except PresentationRound.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def _form(request, form, *, title, meeting=None, multipart=False, intro=""):
    """The one form page (agency.actions.render_form) under Meetings > the meeting."""
    crumbs = [(_("Meetings"), reverse("meetings:meeting_list"))]
    if meeting is not None:
        crumbs.append((meeting.title, meeting.get_absolute_url()))
    return render_form(
        request,
        form,
        title=title,
        back=meeting.get_absolute_url() if meeting else reverse("meetings:meeting_list"),
        breadcrumbs=crumbs,
        intro=intro,
        multipart=multipart,
        script="js/meetings.js",
        form_marker="meetings",
    )


# The labels of this app's timeline actions (agency.timeline.labelled_timeline applies them).
TIMELINE_LABELS = {
    "created": gettext_lazy("Planned"),
    "presentation_created": gettext_lazy("Presentation planned"),
    "edited": gettext_lazy("Edited"),
    "held": gettext_lazy("Held"),
    "minutes": gettext_lazy("Minutes saved"),
    "closed": gettext_lazy("Closed"),
    "attendee_added": gettext_lazy("Attendee added"),
    "attendee_removed": gettext_lazy("Attendee removed"),
    "room_setup": gettext_lazy("Room set-up edited"),
    "agenda_edited": gettext_lazy("Agenda edited"),
    "agenda_sent": gettext_lazy("Agenda sent"),
    "agenda_resent": gettext_lazy("Agenda sent again"),
    "decision": gettext_lazy("Decision recorded"),
    "action_item": gettext_lazy("Action item added"),
    "action_item_done": gettext_lazy("Action item done"),
    "rehearsal_planned": gettext_lazy("Rehearsal planned"),
    "storyline": gettext_lazy("Storyline edited"),
    "material_added": gettext_lazy("Supporting material added"),
    "material_removed": gettext_lazy("Supporting material removed"),
    "outcome_accepted": gettext_lazy("Outcome: accepted"),
    "outcome_revise": gettext_lazy("Outcome: revise"),
    "outcome_rejected": gettext_lazy("Outcome: rejected"),
    "round_failed": gettext_lazy("Round failed; next round opened"),
    "round_opened": gettext_lazy("Round opened"),
}


# --- list, create, detail ------------------------------------------------------------


def meeting_list(request):
    scope = "past" if request.GET.get("when") == "past" else "upcoming"
    kind = request.GET.get("kind", "")
    days = request.GET.get("days", "")
    days = int(days) if days.isascii() and days.isdigit() and 0 < int(days) <= 366 else None
    qs = meeting_list_filtered(request.user, scope=scope, kind=kind, days=days)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "scope": scope,
            "kind": kind,
            "kinds": Meeting.Kind.choices,
            "may_create": request.user.is_account_service,
            "may_present": clients_user_may_organise(request.user).exists(),
        },
    )


def meeting_create(request):
    deny_unless(meeting_may_organise_for_client(request.user, None))
    form = forms.MeetingCreateForm(_posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        ok, meeting = run_service(
            request, services.meeting_create, success=_("Meeting planned."), data=form.cleaned_data
        )
        if ok:
            return redirect(meeting)
    return _form(request, form, title=_("New meeting"))


def presentation_create(request):
    deny_unless(clients_user_may_organise(request.user).exists())
    form = forms.PresentationCreateForm(
        _posted(request), user=request.user, initial={"client": request.GET.get("client")}
    )
    if request.method == "POST" and form.is_valid():
        ok, meeting = run_service(
            request,
            services.presentation_create,
            success=_("Presentation planned."),
            data=form.cleaned_data,
        )
        if ok:
            return redirect(meeting)
    return _form(request, form, title=_("New presentation"))


def meeting_detail(request, pk):
    meeting, access = meeting_get_for_user(request.user, pk)
    data = meeting_detail_data(meeting, request.user)
    brief = None
    round_ = data["round"]
    if round_ is not None and round_.presentation.brief_id:
        from briefs.selectors import brief_get_for_user

        try:
            brief, _brief_access = brief_get_for_user(request.user, round_.presentation.brief_id)
        except Http404:
            brief = None  # a creative not yet briefed: the brief stays hidden
    held_rehearsal = any(r.held_at for r in data["rehearsals"])
    for dispatch in data["dispatches"]:
        dispatch.problem = delivery_problem(dispatch) if dispatch.undelivered else ""
    context = {
        "meeting": meeting,
        "access": access,
        "brief": brief,
        "held_rehearsal": held_rehearsal,
        "timeline": labelled_timeline(meeting, TIMELINE_LABELS),
        "today": timezone.localdate(),
        "decision_form": forms.DecisionForm() if access.can_edit else None,
        "next_round": next(
            (r for r in data["rounds"] if round_ and r.number > round_.number), None
        ),
        "user_id": request.user.pk,
        **data,
    }
    return render(request, "meetings/meeting_detail.html", context)


def meeting_edit(request, pk):
    meeting, access = meeting_get_for_user(request.user, pk)
    deny_unless(access.can_edit)
    form = forms.MeetingEditForm(_posted(request), instance=meeting)
    if request.method == "POST" and form.is_valid():
        meeting.refresh_from_db()
        ok, _result = run_service(
            request,
            services.meeting_update,
            success=_("Meeting saved."),
            meeting=meeting,
            data=form.cleaned_data,
        )
        if ok:
            return redirect(meeting)
    return _form(request, form, title=_("Edit meeting"), meeting=meeting)


@require_POST
def meeting_held(request, pk):
    meeting, access = meeting_get_for_user(request.user, pk)
    deny_unless(access.can_edit)
    return run_and_redirect(
        request, services.meeting_mark_held, meeting, success=_("Marked as held."), meeting=meeting
    )


@require_POST
def meeting_close(request, pk):
    meeting, access = meeting_get_for_user(request.user, pk)
    deny_unless(access.can_edit)
    return run_and_redirect(
        request, services.meeting_close, meeting, success=_("Meeting closed."), meeting=meeting
    )


# --- attendees, room set-up, agenda -----------------------------------------------------


def attendee_add(request, pk):
    meeting, access = meeting_get_for_user(request.user, pk)
    deny_unless(access.can_edit)
    form = forms.AttendeeForm(_posted(request), meeting=meeting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, _result = run_service(
            request,
            services.attendee_add,
            success=_("Attendee added."),
            meeting=meeting,
            user=data.get("user"),
            contact=data.get("contact"),
            receives_agenda=data.get("receives_agenda", True),
        )
        if ok:
            if "another" in request.POST:
                return redirect("meetings:attendee_add", pk=meeting.pk)
            return redirect(meeting)
    return _form(request, form, title=_("Add attendee"), meeting=meeting)


@require_POST
def attendee_remove(request, pk, attendee_pk):
    meeting, access = meeting_get_for_user(request.user, pk)
    attendee = get_object_or_404(Attendee, meeting=meeting, pk=attendee_pk)
    deny_unless(access.can_edit)
    return run_and_redirect(
        request,
        services.attendee_remove,
        meeting,
        success=_("Attendee removed."),
        attendee=attendee,
    )


def _formset_page(request, pk, *, formset_class, queryset_of, save, title, help_text=""):
    meeting, access = meeting_get_for_user(request.user, pk)
    deny_unless(access.can_edit)
    queryset = queryset_of(meeting)
    formset = formset_class(
        _posted(request),
        queryset=queryset,
        prefix="rows",
        form_kwargs={"people": meeting_people(meeting)},
    )
    if request.method == "POST" and formset.is_valid():
        rows = [
            {**f.cleaned_data, "DELETE": f in formset.deleted_forms}
            for f in formset.forms
            if f.cleaned_data
        ]
        ok, _result = run_service(request, save, success=_("Saved."), meeting=meeting, rows=rows)
        if ok:
            return redirect(meeting)
    return render(
        request,
        "meetings/formset.html",
        {"formset": formset, "meeting": meeting, "title": title, "help_text": help_text},
    )


def room_setup(request, pk):
    return _formset_page(
        request,
        pk,
        formset_class=forms.RoomSetupFormSet,
        queryset_of=lambda m: m.room_items.all(),
        save=services.room_items_save,
        title=_("Room set-up"),
        help_text=_("Seating, refreshments, screen, materials, who greets the client."),
    )


def agenda_edit(request, pk):
    return _formset_page(
        request,
        pk,
        formset_class=forms.AgendaFormSet,
        queryset_of=lambda m: m.agenda_items.all(),
        save=services.agenda_items_save,
        title=_("Agenda"),
        help_text=_("Topics in order, each with its owner and time box in minutes."),
    )


@require_POST
def agenda_item_move(request, pk, item_pk):
    meeting, access = meeting_get_for_user(request.user, pk)
    item = get_object_or_404(AgendaItem, meeting=meeting, pk=item_pk)
    deny_unless(access.can_edit)
    up = request.POST.get("direction") == "up"
    return run_and_redirect(
        request,
        services.agenda_item_move,
        meeting,
        success=_("Agenda reordered."),
        item=item,
        up=up,
    )


def _delivery_report(request, dispatch: AgendaDispatch) -> None:
    """After sending: say so, or (eager mode, mail server down) that it was not delivered."""
    dispatch.refresh_from_db()
    if dispatch.undelivered:
        messages.warning(request, delivery_problem(dispatch))
    else:  # sent, or queued for the worker
        messages.success(
            request, _("Agenda sent to %(n)s people.") % {"n": len(dispatch.recipients)}
        )


def delivery_problem(dispatch: AgendaDispatch) -> str:
    """ "Agenda not delivered to X: error; retrying at ... / gave up." (page and message)."""
    params = {"names": dispatch.recipient_names, "error": dispatch.error}
    if dispatch.status == AgendaDispatch.Status.FAILED and dispatch.next_attempt_at:
        when = timezone.localtime(dispatch.next_attempt_at).strftime("%Y-%m-%d %H:%M")
        return _("Agenda not delivered to %(names)s: %(error)s; retrying at %(when)s.") % {
            **params,
            "when": when,
        }
    return _("Agenda not delivered to %(names)s: %(error)s; gave up.") % params


def agenda_send(request, pk):
    meeting, access = meeting_get_for_user(request.user, pk)
    deny_unless(access.can_edit)
    form = forms.AgendaSendForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        ok, dispatch = run_service(
            request,
            services.agenda_send,
            meeting=meeting,
            include_contacts=form.cleaned_data["include_contacts"],
        )
        if ok:
            _delivery_report(request, dispatch)
        return redirect(meeting)
    data = meeting_detail_data(meeting, request.user)
    return render(
        request,
        "meetings/agenda_send.html",
        {"form": form, "meeting": meeting, **data},
    )


@require_POST
def agenda_resend(request, pk, dispatch_pk):
    meeting, access = meeting_get_for_user(request.user, pk)
    dispatch = get_object_or_404(AgendaDispatch, meeting=meeting, pk=dispatch_pk)
    deny_unless(access.can_edit)
    ok, dispatch = run_service(request, services.agenda_dispatch_resend, dispatch=dispatch)
    if ok:
        _delivery_report(request, dispatch)
    return redirect(meeting)


def agenda_pdf(request, pk):
    meeting, _access = meeting_get_for_user(request.user, pk)
    return pdf_response(services.agenda_pdf(meeting), f"agenda-{meeting.pk}.pdf")


def meeting_ics_download(request, pk):
    meeting, _access = meeting_get_for_user(request.user, pk)
    response = HttpResponse(meeting_ics(meeting), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


# --- minutes ---------------------------------------------------------------------------


def minutes_edit(request, pk):
    meeting, access = meeting_get_for_user(request.user, pk)
    deny_unless(access.can_edit)
    agenda = list(meeting.agenda_items.all())
    form = forms.MinutesForm(_posted(request), meeting=meeting, agenda=agenda)
    if request.method == "POST" and form.is_valid():
        return run_and_redirect(
            request,
            services.meeting_minutes_save,
            meeting,
            success=_("Minutes saved."),
            meeting=meeting,
            conclusions=form.cleaned_data["conclusions"],
            notes=form.notes(),
        )
    return _form(request, form, title=_("Minutes"), meeting=meeting)


@require_POST
def decision_add(request, pk):
    meeting, access = meeting_get_for_user(request.user, pk)
    deny_unless(access.can_edit)
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        written = request.POST.get("text", "").strip()
        # Blank: ask for it; too long (or other bad input): say what is wrong.
        messages.error(request, form.errors["text"][0] if written else _("Write the decision."))
        return redirect(meeting)
    return run_and_redirect(
        request,
        services.decision_add,
        meeting,
        success=_("Decision recorded."),
        meeting=meeting,
        text=form.cleaned_data["text"],
    )


def action_item_add(request, pk):
    meeting, access = meeting_get_for_user(request.user, pk)
    deny_unless(access.can_edit)
    form = forms.ActionItemForm(_posted(request), meeting=meeting)
    if request.method == "POST" and form.is_valid():
        ok, _result = run_service(
            request,
            services.action_item_add,
            success=_("Action item added."),
            meeting=meeting,
            **form.cleaned_data,
        )
        if ok:
            return redirect(meeting)
    return _form(request, form, title=_("New action item"), meeting=meeting)


@require_POST
def action_item_done(request, pk, item_pk):
    meeting, _access = meeting_get_for_user(request.user, pk)
    item, _item_access = action_item_get_for_user(request.user, item_pk)
    return run_and_redirect(
        request,
        services.action_item_done,
        meeting,
        success=_("Action item done."),
        item=item,
        on_meeting=meeting,
    )


# --- presentations ---------------------------------------------------------------------


def storyline_edit(request, pk):
    meeting, access = meeting_get_for_user(request.user, pk)
    round_ = _round_or_404(meeting)
    deny_unless(access.can_edit)
    form = forms.StorylineForm(_posted(request), instance=round_)
    if request.method == "POST" and form.is_valid():
        round_.refresh_from_db()
        ok, _result = run_service(
            request,
            services.round_storyline_save,
            success=_("Storyline saved."),
            round=round_,
            data=form.cleaned_data,
        )
        if ok:
            return redirect(meeting)
    return _form(request, form, title=_("Storyline"), meeting=meeting)


def material_add(request, pk):
    meeting, access = meeting_get_for_user(request.user, pk)
    round_ = _round_or_404(meeting)
    deny_unless(access.can_edit)
    form = forms.MaterialForm(_posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        ok, _result = run_service(
            request,
            services.material_add,
            success=_("Supporting material added."),
            round=round_,
            data=form.cleaned_data,
        )
        if ok:
            return redirect(meeting)
    return _form(request, form, title=_("Add supporting material"), meeting=meeting, multipart=True)


@require_POST
def material_remove(request, pk, material_pk):
    meeting, access = meeting_get_for_user(request.user, pk)
    material = get_object_or_404(SupportingMaterial, round__meeting=meeting, pk=material_pk)
    deny_unless(access.can_edit)
    return run_and_redirect(
        request,
        services.material_remove,
        meeting,
        success=_("Material removed."),
        material=material,
    )


def material_download(request, pk, material_pk):
    meeting, _access = meeting_get_for_user(request.user, pk)
    material = get_object_or_404(SupportingMaterial, round__meeting=meeting, pk=material_pk)
    if not material.file:
        raise Http404(NOT_FOUND)
    try:
        handle = material.file.open("rb")
    except FileNotFoundError:
        raise Http404(NOT_FOUND) from None  # gone from storage: not a 500
    # Offered under the detected type's extension (older rows kept the
    # uploader's), always as an opaque download the browser does not sniff.
    kind = sniff_any(handle.read(16))
    handle.seek(0)
    name = stored_name(material.file.name.rsplit("/", 1)[-1], kind)
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type="application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def rehearsal_create(request, pk):
    meeting, access = meeting_get_for_user(request.user, pk)
    deny_unless(access.can_edit)
    if not meeting.is_presentation:
        raise Http404(NOT_FOUND)
    form = forms.RehearsalForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        ok, rehearsal = run_service(
            request,
            services.rehearsal_create,
            success=_("Rehearsal planned."),
            presentation=meeting,
            data=form.cleaned_data,
        )
        if ok:
            return redirect(rehearsal)
    return _form(request, form, title=_("Plan a rehearsal"), meeting=meeting)


def outcome_record(request, pk):
    meeting, access = meeting_get_for_user(request.user, pk)
    round_ = _round_or_404(meeting)
    deny_unless(access.can_edit)
    form = forms.OutcomeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        ok, _result = run_service(
            request,
            services.round_outcome_record,
            success=_("Outcome recorded."),
            round=round_,
            **form.cleaned_data,
        )
        if ok:
            return redirect(meeting)
    return _form(request, form, title=_("Outcome of the presentation"), meeting=meeting)


def round_open_next(request, pk):
    meeting, access = meeting_get_for_user(request.user, pk)
    round_ = _round_or_404(meeting)
    deny_unless(access.can_edit)
    form = forms.NextRoundForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        ok, new_round = run_service(
            request, services.round_open_next, round=round_, **form.cleaned_data
        )
        if ok:
            messages.success(request, _("Round %(n)s opened.") % {"n": new_round.number})
            return redirect(new_round.meeting)
    intro = _(
        "Every re-presentation costs the agency time: record why round %(n)s failed. "
        "The hours go in the timesheet as “Re-presentation”."
    ) % {"n": round_.number}
    return _form(request, form, title=_("Open the next round"), meeting=meeting, intro=intro)


# --- calendar ------------------------------------------------------------------------------


def calendar_settings(request):
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.feed_token_revoke(actor=request.user)
            messages.success(request, _("The calendar feed URL no longer works."))
        else:
            services.feed_token_create(actor=request.user)
            messages.success(request, _("A new calendar feed URL was created."))
        return redirect("meetings:calendar")
    token = feed_token_active_for(request.user)
    feed_url = (
        request.build_absolute_uri(reverse("meetings:calendar_feed", args=[token.token]))
        if token
        else ""
    )
    return render(request, "meetings/calendar.html", {"token": token, "feed_url": feed_url})


@login_not_required
def calendar_feed(request, token):
    """The personal feed calendar programs subscribe to: the secret is the login."""
    feed_token = feed_token_get(token)
    user = feed_token.user
    # The URL is a bearer secret that calendar services store and fetch: it carries
    # the user's own meetings and no one else's addresses (no ATTENDEE lines, no
    # ORGANIZER address).
    events = [meeting_event(m, [], organiser=False) for m in meetings_in_feed(user)]
    with translation.override(user.language or settings.LANGUAGE_CODE):
        name = _("Meetings of %(name)s") % {"name": user.full_name}
    body = calendar_bytes(events, name=name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
