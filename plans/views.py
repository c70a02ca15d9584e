"""Thin views: access check -> form -> service -> redirect + message."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.selectors import client_get_for_user
from agency.actions import render_form, run_and_redirect, run_service
from agency.pdf import pdf_response, render_pdf
from agency.permissions import deny_unless
from agency.timeline import labelled_timeline

from . import approvers, services
from .forms import (
    ActivityFormSet,
    PhaseGoalFormSet,
    PhaseGoalStatusForm,
    PlanCreateForm,
    PlanForm,
    ReturnForm,
    ReviewForm,
    SignOffForm,
    StrategyFormSet,
    plan_row_choices,
)
from .models import AccountPlan, PhaseGoal, PlanReview
from .selectors import (
    plan_access_for_client,
    plan_detail_data,
    plan_get_for_user,
    plan_list_for_user,
)

ERR_NOT_SAVED = gettext_lazy("The plan was not saved: correct the errors marked below.")

ACTION_LABELS = {
    "created": gettext_lazy("Plan started"),
    "edited": gettext_lazy("Edited"),
    "submitted": gettext_lazy("Submitted for review"),
    "agreed": gettext_lazy("Agreed"),
    "objected": gettext_lazy("Objected: back to draft"),
    "all_agreed": gettext_lazy("All reviewers agreed"),
    "signed_off": gettext_lazy("Signed off by the MD"),
    "returned": gettext_lazy("Returned by the MD"),
    "revision_started": gettext_lazy("Revision started"),
    "revised": gettext_lazy("A new revision was started"),
    "phase_goal_progress": gettext_lazy("Phase-goal progress"),
}


def timeline_events(plan):
    events = labelled_timeline(plan, ACTION_LABELS)
    statuses = dict(PhaseGoal.Status.choices)
    for e in events:
        data = e.data or {}
        if e.action == "phase_goal_progress" and "title" in data:
            # In the reader's language, not the language of whoever changed it.
            e.comment = "{}: {} → {}".format(
                data["title"],
                statuses.get(data.get("from"), data.get("from")),
                statuses.get(data.get("to"), data.get("to")),
            )
    return events


def plan_list(request):
    qs = plan_list_for_user(request.user)
    status = request.GET.get("status", "")
    if status in AccountPlan.Status.values:
        qs = qs.filter(status=status)
    awaiting = request.GET.get("awaiting") == "me"
    if awaiting:  # the dashboard card's list: plans waiting on this user (plans.approvers)
        qs = qs.filter(pk__in=[p.pk for p in approvers.plans_awaiting(request.user)])
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "plans/plan_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "status": status,
            "statuses": AccountPlan.Status.choices,
            "awaiting": awaiting,
        },
    )


def plan_create(request, client_pk):
    client, _access = client_get_for_user(request.user, client_pk, need_work=True)
    deny_unless(plan_access_for_client(request.user, client).can_edit)
    year = services.plan_default_year()
    if AccountPlan.objects.filter(client=client, year=year).exists():
        year += 1  # this year's plan exists: the one to start is next year's
    form = PlanCreateForm(request.POST or None, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        ok, plan = run_service(
            request,
            services.plan_create,
            success=_("Plan started. Fill it in and save."),
            client=client,
            year=form.cleaned_data["year"],
        )
        if ok:
            return redirect("plans:plan_edit", plan.pk)
    return render_form(
        request,
        form,
        title=_("New account plan"),
        back=client.get_absolute_url(),
        breadcrumbs=[
            (_("Clients"), reverse("accounts:client_list")),
            (client.name, client.get_absolute_url()),
        ],
        intro=_(
            "One plan per client and year: goals, phase goals, strategies, activities, "
            "resources and profit, agreed with the BD/MD and the creative team."
        ),
        submit_label=_("Start the plan"),
        extra={"client": client},
    )


def pending_reviews(facts) -> list[tuple[str, list]]:
    """(role label, people) still to review this submission, so everyone sees who."""
    return [
        (PlanReview.ReviewerRole(role).label, people) for role, people in facts.missing_reviews()
    ]


def plan_detail(request, pk):
    plan, access = plan_get_for_user(request.user, pk)
    data = plan_detail_data(plan)
    facts = approvers.plan_facts(plan)
    submitted = plan.status == AccountPlan.Status.SUBMITTED
    context = {
        "plan": plan,
        "access": access,
        **data,
        "events": timeline_events(plan),
        "all_agreed": facts.all_agreed(),
        "missing": services.plan_missing_parts(plan) if plan.is_editable else [],
        "pending_reviews": pending_reviews(facts),
        "may_review": access.can_review and facts.may_review(request.user),
        "may_sign_off": access.can_sign_off and facts.may_sign_off(request.user),
        "sign_off_refusal": facts.sign_off_refusal(request.user) if submitted else None,
        "review_form": ReviewForm(),
        "sign_off_form": SignOffForm(),
        "return_form": ReturnForm(),
        "status_form_choices": PhaseGoal.Status.choices,
        "diff": services.plan_diff(plan.previous, plan) if plan.previous_id else None,
        "latest_revision": max(p.revision for p in data["revisions"]),
    }
    return render(request, "plans/plan_detail.html", context)


def _formsets(plan, data=None):
    kwargs = {"instance": plan, "form_kwargs": {"plan": plan, "choices": plan_row_choices(plan)}}
    return {
        "phase_goals": PhaseGoalFormSet(data, prefix="goals", **kwargs),
        "strategies": StrategyFormSet(
            data,
            prefix="strategies",
            queryset=plan.strategies.prefetch_related("phase_goals"),
            **kwargs,
        ),
        "activities": ActivityFormSet(data, prefix="activities", **kwargs),
    }


def plan_edit(request, pk):
    plan, access = plan_get_for_user(request.user, pk)
    deny_unless(access.can_edit)
    # A save posted just after a colleague submitted the plan is refused below
    # with the form shown again, so what this user typed is not lost unseen.
    just_submitted = request.method == "POST" and plan.status == AccountPlan.Status.SUBMITTED
    if not plan.is_editable and not just_submitted:
        messages.error(request, services.ERR_NOT_DRAFT)
        return redirect(plan)
    form = PlanForm(request.POST or None, instance=plan)
    formsets = _formsets(plan, request.POST or None)
    newer = None
    if request.method == "POST":
        valid = form.is_valid() & all([fs.is_valid() for fs in formsets.values()])
        if just_submitted:
            messages.error(request, services.ERR_NOT_DRAFT)
        elif not valid:
            messages.error(request, ERR_NOT_SAVED)
        else:
            version = form.cleaned_data["version"]
            ok, _saved = run_service(
                request,
                services.plan_save,
                success=_("Plan saved."),
                plan=plan,
                version=version,
                data=form.cleaned_data,
                **{name: fs.changes() for name, fs in formsets.items()},
            )
            if ok:
                if "submit" in request.POST:
                    return plan_submit(request, plan.pk)
                return redirect("plans:plan_edit", plan.pk)
            # Refused (its message is shown). Stale: someone saved meanwhile.
            # Keep what this user typed in the form and show the newer saved
            # values beside it; the next save overwrites knowingly.
            plan.refresh_from_db()
            if plan.is_editable and plan.version != version:
                newer = plan
                newer_data = plan_detail_data(newer)
                form.data = form.data.copy()
                form.data["version"] = newer.version
    # An objection sent the plan back: its reasons stay in sight while editing.
    objections = plan.reviews.filter(
        round=plan.review_round, decision=PlanReview.Decision.OBJECT
    ).select_related("reviewer")
    context = {
        "plan": plan,
        "form": form,
        **formsets,
        "newer": newer,
        "objections": objections,
    }
    if newer is not None:
        context["newer_data"] = newer_data
    return render(request, "plans/plan_form.html", context)


@require_POST
def plan_submit(request, pk):
    plan, access = plan_get_for_user(request.user, pk)
    deny_unless(access.can_edit)
    return run_and_redirect(
        request,
        services.plan_submit,
        plan,
        success=_("Plan submitted to the reviewers."),
        plan=plan,
    )


@require_POST
def plan_review(request, pk):
    plan, access = plan_get_for_user(request.user, pk)
    deny_unless(access.can_review)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(plan)
    return run_and_redirect(
        request,
        services.plan_review,
        plan,
        success=_("Your review is recorded."),
        plan=plan,
        decision=form.cleaned_data["decision"],
        comment=form.cleaned_data["comment"],
    )


@require_POST
def plan_sign_off(request, pk):
    plan, access = plan_get_for_user(request.user, pk)
    deny_unless(access.can_sign_off)
    form = SignOffForm(request.POST)
    return run_and_redirect(
        request,
        services.plan_sign_off,
        plan,
        success=_("Plan signed off and approved."),
        plan=plan,
        comment=form.cleaned_data["comment"] if form.is_valid() else "",
    )


@require_POST
def plan_return(request, pk):
    plan, access = plan_get_for_user(request.user, pk)
    deny_unless(access.can_sign_off)
    form = ReturnForm(request.POST)
    return run_and_redirect(
        request,
        services.plan_return,
        plan,
        success=_("Plan returned to the account team."),
        plan=plan,
        reason=form.cleaned_data["reason"] if form.is_valid() else "",
    )


@require_POST
def plan_start_revision(request, pk):
    plan, access = plan_get_for_user(request.user, pk)
    deny_unless(access.can_edit)
    ok, new = run_service(request, services.plan_start_revision, plan=plan)
    if not ok:
        return redirect(plan)
    messages.success(request, _("Revision %(n)s started as a draft.") % {"n": new.revision})
    return redirect("plans:plan_edit", new.pk)


@require_POST
def phase_goal_status(request, pk, goal_pk):
    plan, access = plan_get_for_user(request.user, pk)
    goal = get_object_or_404(PhaseGoal, plan=plan, pk=goal_pk)
    deny_unless(access.can_edit)
    form = PhaseGoalStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, services.ERR_BAD_PROGRESS)
        return redirect(plan)
    return run_and_redirect(
        request,
        services.phase_goal_set_status,
        plan,
        success=_("Progress updated."),
        goal=goal,
        status=form.cleaned_data["status"],
    )


def plan_pdf(request, pk):
    plan, _access = plan_get_for_user(request.user, pk)
    pdf = render_pdf("pdf/plans/plan.html", {"plan": plan, **plan_detail_data(plan)})
    filename = f"plan-{plan.client.pk}-{plan.year}-r{plan.revision}.pdf"
    return pdf_response(pdf, filename)
