"""Thin views: access check -> form -> service -> redirect + message."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import client_get_for_user
from agency.actions import render_form, run_and_redirect, run_service
from agency.pdf import pdf_response, render_pdf
from agency.permissions import NOT_FOUND, deny_unless
from agency.timeline import labelled_timeline

from . import approvers, services
from .forms import (
    AgreementForm,
    BriefCreateForm,
    BriefCreativesForm,
    BriefForm,
    CommentForm,
    CreativeReviewForm,
    DecisionForm,
    HandOffForm,
    JobForm,
    JudgmentForm,
    PlannerReviewForm,
    ReasonForm,
    StageForm,
    StatementForm,
    WorkForm,
)
from .labels import ACTION_LABELS
from .models import Brief, CreativeWork, JobStage, Judgment
from .selectors import (
    brief_access_for_client,
    brief_detail_data,
    brief_get_for_user,
    brief_list_for_user,
    can_decide_escalation,
    escalation_get_for_user,
    file_get_for_user,
    job_get_for_user,
    work_get_for_user,
)
from .uploads import stored_name

PAGE_SIZE = 25


def _form(request, form, *, title, brief=None, back=None, **kwargs):
    """The one form page (agency.actions.render_form) with the brief's header."""
    crumbs = [(_("Briefs"), reverse("briefs:brief_list"))]
    if brief is not None:
        crumbs.append((brief.title, brief.get_absolute_url()))
    return render_form(
        request,
        form,
        title=title,
        back=back or (brief.get_absolute_url() if brief else ""),
        breadcrumbs=crumbs,
        head="briefs/_head.html",
        script="js/briefs.js",
        form_marker="briefs",
        **kwargs,
    )


def _events(obj):
    return labelled_timeline(obj, ACTION_LABELS)


# ---------------------------------------------------------------- briefs


def brief_list(request):
    qs = brief_list_for_user(request.user)
    status = request.GET.get("status", "")
    if status in Brief.Status.values:
        qs = qs.filter(status=status)
    awaiting = request.GET.get("awaiting") == "me"
    if awaiting:  # the dashboard card's list: briefs waiting on this user (briefs.approvers)
        qs = qs.filter(pk__in=approvers.briefs_awaiting(request.user).values("pk"))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "briefs/brief_list.html",
        {
            "page": page,
            "status": status,
            "statuses": Brief.Status.choices,
            "query": "&".join(
                q
                for q in (f"status={status}" if status else "", "awaiting=me" if awaiting else "")
                if q
            ),
        },
    )


def brief_create(request):
    client = None
    if request.GET.get("client"):
        client, _access = client_get_for_user(request.user, request.GET["client"], need_work=True)
        deny_unless(brief_access_for_client(request.user, client).can_edit)
    form = BriefCreateForm(request.POST or None, user=request.user, client=client)
    if not form.fields["client"].queryset.exists():
        deny_unless(False)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        client = data.pop("client")
        ok, brief = run_service(
            request,
            services.brief_create,
            success=_("Brief created as a draft."),
            client=client,
            data=data,
        )
        if ok:
            return redirect(brief)
    return _form(request, form, title=_("New brief"), back=reverse("briefs:brief_list"))


def brief_detail(request, pk):
    brief, access = brief_get_for_user(request.user, pk)
    context = {
        "brief": brief,
        "access": access,
        "events": _events(brief),
        **brief_detail_data(brief, access),
        "S": Brief.Status,
        # Who is asked to act now (briefs.approvers: the same list that is emailed).
        "at_approval_step": brief.status in approvers.APPROVAL_STATES,
        "waiting_for": approvers.approvers(brief),
    }
    return render(request, "briefs/brief_detail.html", context)


def brief_edit(request, pk):
    brief, access = brief_get_for_user(request.user, pk)
    deny_unless(access.can_edit)
    if brief.status == Brief.Status.CLOSED:
        messages.error(request, services.ERR_CLOSED)
        return redirect(brief)
    form = BriefForm(request.POST or None, instance=brief, client=brief.client)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in services.BRIEF_FIELDS if k in form.cleaned_data}
        brief.refresh_from_db()
        ok, brief = run_service(request, services.brief_update, brief=brief, data=data)
        if ok:
            if brief.status == Brief.Status.DRAFT and brief.return_reason and brief.returned_by:
                messages.warning(request, brief.return_reason)
            messages.success(request, _("Brief saved."))
            return redirect(brief)
    intro = ""
    if brief.status != Brief.Status.DRAFT:
        intro = _(
            "This brief is past draft. Changing a strategy field returns it to draft: "
            "the creative review, approval, signature and client agreement start again."
        )
    return _form(
        request, form, title=_("Edit brief"), brief=brief, intro=intro, intro_level="warning"
    )


def _simple_post(service, success):
    @require_POST
    def view(request, pk):
        brief, _access = brief_get_for_user(request.user, pk)
        form = CommentForm(request.POST)
        comment = form.cleaned_data["comment"] if form.is_valid() else ""
        kwargs = {"brief": brief}
        if service is not services.brief_submit:
            kwargs["comment"] = comment
        return run_and_redirect(request, service, brief, success=success, **kwargs)

    return view


brief_submit = _simple_post(services.brief_submit, _("Sent to the creative director for review."))
brief_approve = _simple_post(services.brief_approve, _("Strategy approved."))
brief_sign = _simple_post(services.brief_sign, _("Strategy signed."))
brief_close = _simple_post(services.brief_close, _("Brief closed."))


def brief_creative_review(request, pk):
    brief, access = brief_get_for_user(request.user, pk)
    deny_unless(access.can_creative_review)
    form = CreativeReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return run_and_redirect(
            request,
            services.brief_creative_review,
            brief.get_absolute_url(),
            success=_("Your review of the strategy is recorded."),
            brief=brief,
            agree=form.cleaned_data["agree"],
            comment=form.cleaned_data["comment"],
        )
    return _form(request, form, title=_("Review the strategy"), brief=brief)


def brief_agreement(request, pk):
    brief, access = brief_get_for_user(request.user, pk)
    deny_unless(access.can_edit)
    form = AgreementForm(request.POST or None, brief=brief)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        return run_and_redirect(
            request,
            services.brief_record_agreement,
            brief.get_absolute_url(),
            success=_("Client agreement recorded."),
            brief=brief,
            contact=d["contact"],
            agreed_on=d["agreed_on"],
            via=d["via"],
            note=d["note"],
        )
    return _form(request, form, title=_("Record the client's agreement"), brief=brief)


def brief_planner_review(request, pk):
    brief, access = brief_get_for_user(request.user, pk)
    deny_unless(access.can_planner_review)
    form = PlannerReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return run_and_redirect(
            request,
            services.brief_planner_review,
            brief.get_absolute_url(),
            success=_("Planner review recorded."),
            brief=brief,
            checklist=form.checklist,
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
        )
    return _form(request, form, title=_("Planner review"), brief=brief)


def brief_send_back(request, pk):
    brief, access = brief_get_for_user(request.user, pk)
    deny_unless(access.can_planner_review)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return run_and_redirect(
            request,
            services.brief_send_back,
            brief.get_absolute_url(),
            success=_("Brief sent back to draft."),
            brief=brief,
            reason=form.cleaned_data["comment"],
        )
    return _form(request, form, title=_("Send the brief back to draft"), brief=brief)


def brief_brief(request, pk):
    brief, access = brief_get_for_user(request.user, pk)
    deny_unless(access.can_edit)
    form = BriefCreativesForm(request.POST or None, brief=brief)
    if request.method == "POST" and form.is_valid():
        return run_and_redirect(
            request,
            services.brief_brief_creatives,
            brief.get_absolute_url(),
            success=_("The creative team is briefed."),
            brief=brief,
            creatives=form.cleaned_data["creatives"],
            comment=form.cleaned_data["comment"],
        )
    return _form(request, form, title=_("Brief the creative team"), brief=brief)


def brief_pdf(request, pk):
    brief, access = brief_get_for_user(request.user, pk)
    context = {"brief": brief, **brief_detail_data(brief, access)}
    pdf = render_pdf("pdf/briefs/brief.html", context)
    return pdf_response(pdf, f"brief-{brief.pk}.pdf")


# ---------------------------------------------------------------- creative work


def work_create(request, pk, previous_pk=None):
    brief, access = brief_get_for_user(request.user, pk)
    deny_unless(access.can_submit_work)
    previous = None
    if previous_pk is not None:
        previous, _a = work_get_for_user(request.user, previous_pk)
        if previous.brief_id != brief.pk:
            raise Http404(NOT_FOUND)
    initial = {"title": previous.title} if previous else None
    form = WorkForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        ok, work = run_service(
            request,
            services.work_submit,
            success=_("Creative work submitted."),
            brief=brief,
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
            files=form.cleaned_data["files"],
            previous=previous,
        )
        if ok:
            return redirect(work)
    title = _("Submit the next version") if previous else _("Submit creative work")
    return _form(request, form, title=title, brief=brief, multipart=True)


def work_detail(request, pk):
    work, access = work_get_for_user(request.user, pk)
    judgments = {j.level: j for j in work.judgments.select_related("judged_by")}
    escalations = list(work.escalations.select_related("raised_by", "head_by", "md_by"))
    # The other side of a live "no" may escalate it (the service checks again).
    disputed = next(
        (j for j in judgments.values() if j.verdict == "no" and not j.overturned_by_id), None
    )
    may_escalate = (
        work.status == CreativeWork.Status.REVISE
        and disputed is not None
        and (
            access.can_judge_quality
            if disputed.level == Judgment.Level.STRATEGY
            else access.can_judge_strategy
        )
    )
    return render(
        request,
        "briefs/work_detail.html",
        {
            "work": work,
            "brief": work.brief,
            "access": access,
            "files": list(work.files.all()),
            "strategy_judgment": judgments.get(Judgment.Level.STRATEGY),
            "quality_judgment": judgments.get(Judgment.Level.QUALITY),
            "escalations": escalations,
            "may_escalate": may_escalate,
            "versions": _versions(work),
            "events": _events(work),
            "W": CreativeWork.Status,
        },
    )


def _versions(work: CreativeWork) -> list[CreativeWork]:
    """The chain this version belongs to (v1 -> v2 -> ...), however titles changed.

    One query for the brief's work, then the chain is walked in memory."""
    works = {
        w.pk: w
        for w in CreativeWork.objects.filter(brief_id=work.brief_id).only(
            "pk", "previous_id", "version", "status", "brief_id"
        )
    }
    following = {w.previous_id: w for w in works.values() if w.previous_id}
    chain = [work]
    while chain[0].previous_id in works:
        chain.insert(0, works[chain[0].previous_id])
    while chain[-1].pk in following:
        chain.append(following[chain[-1].pk])
    return chain


def work_judge(request, pk, level):
    work, access = work_get_for_user(request.user, pk)
    if level not in Judgment.Level.values:
        raise Http404(NOT_FOUND)
    allowed = access.can_judge_strategy if level == "strategy" else access.can_judge_quality
    deny_unless(allowed)
    form = JudgmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        return run_and_redirect(
            request,
            services.work_judge,
            work.get_absolute_url(),
            success=_("Judgment recorded."),
            work=work,
            level=level,
            verdict=d["verdict"],
            reason=d["reason"],
            comment=d["comment"],
        )
    title = Judgment.Level(level).label
    return _form(request, form, title=title, brief=work.brief, back=work.get_absolute_url())


def file_download(request, pk):
    """The only way to a creative file: the brief's visibility rule applies."""
    f, _access = file_get_for_user(request.user, pk)
    try:
        handle = f.file.open("rb")
    except FileNotFoundError:
        raise Http404(NOT_FOUND) from None
    response = FileResponse(
        handle,
        content_type=f.content_type,
        # Images show inline (the work page embeds them); a PDF, which can
        # carry scripts and forms, is always a download.
        as_attachment=f.kind == "pdf",
        # Rows stored before names were fixed may still carry the uploader's extension.
        filename=stored_name(f.original_name, f.kind),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- escalations


def escalation_raise(request, pk):
    work, access = work_get_for_user(request.user, pk)
    deny_unless(access.can_judge_strategy or access.can_judge_quality)
    form = StatementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, esc = run_service(
            request,
            services.escalation_raise,
            success=_("Escalated to the department head."),
            work=work,
            statement=form.cleaned_data["statement"],
        )
        if not ok:
            return redirect(work.get_absolute_url())
        return redirect("briefs:escalation_detail", esc.pk)
    return _form(
        request,
        form,
        title=_("Escalate the disagreement"),
        brief=work.brief,
        back=work.get_absolute_url(),
    )


def escalation_detail(request, pk):
    esc, _access = escalation_get_for_user(request.user, pk)
    return render(
        request,
        "briefs/escalation_detail.html",
        {
            "esc": esc,
            "work": esc.work,
            "brief": esc.work.brief,
            "may_decide": can_decide_escalation(request.user, esc),
            "may_contest": request.user.pk in (esc.raised_by_id, esc.judgment.judged_by_id)
            and esc.status == esc.Status.DECIDED,
            "decision_form": DecisionForm(),
            "statement_form": StatementForm(),
            "events": _events(esc),
        },
    )


@require_POST
def escalation_decide(request, pk):
    esc, _access = escalation_get_for_user(request.user, pk)
    deny_unless(can_decide_escalation(request.user, esc))
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision and give your reasons."))
        return redirect("briefs:escalation_detail", esc.pk)
    return run_and_redirect(
        request,
        services.escalation_decide,
        esc.get_absolute_url(),
        success=_("Decision recorded."),
        escalation=esc,
        decision=form.cleaned_data["decision"],
        comment=form.cleaned_data["comment"],
    )


@require_POST
def escalation_contest(request, pk):
    esc, _access = escalation_get_for_user(request.user, pk)
    deny_unless(request.user.pk in (esc.raised_by_id, esc.judgment.judged_by_id))
    form = StatementForm(request.POST)
    if not form.is_valid():
        messages.error(request, services.ERR_STATEMENT_REQUIRED)
        return redirect("briefs:escalation_detail", esc.pk)
    return run_and_redirect(
        request,
        services.escalation_contest,
        esc.get_absolute_url(),
        success=_("Sent to the MD for a final decision."),
        escalation=esc,
        statement=form.cleaned_data["statement"],
    )


# ---------------------------------------------------------------- jobs


def job_create(request, pk):
    brief, access = brief_get_for_user(request.user, pk)
    deny_unless(access.can_move_jobs)
    form = JobForm(request.POST or None, brief=brief)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ok, job = run_service(
            request,
            services.job_create,
            success=_("Job created."),
            brief=brief,
            template=d["template"],
            title=d["title"],
            owner=d["owner"],
        )
        if not ok:
            return redirect(brief.get_absolute_url())
        return redirect(job)
    return _form(request, form, title=_("New job"), brief=brief)


def job_detail(request, pk):
    job, access = job_get_for_user(request.user, pk)
    stages = list(job.stages.select_related("owner"))
    return render(
        request,
        "briefs/job_detail.html",
        {
            "job": job,
            "brief": job.brief,
            "access": access,
            "stages": stages,
            "handoffs": list(
                job.handoffs.select_related(
                    "from_stage", "to_stage", "from_user", "to_user", "handed_by"
                )
            ),
            "handoff_form": HandOffForm(brief=job.brief) if access.can_move_jobs else None,
            "events": _events(job),
        },
    )


def job_stage_edit(request, pk, stage_pk):
    job, access = job_get_for_user(request.user, pk)
    deny_unless(access.can_move_jobs)
    try:
        stage = job.stages.get(pk=int(stage_pk))
    except (JobStage.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None
    form = StageForm(request.POST or None, instance=stage, brief=job.brief)
    if request.method == "POST" and form.is_valid():
        stage.refresh_from_db()
        return run_and_redirect(
            request,
            services.job_stage_update,
            job.get_absolute_url(),
            success=_("Stage saved."),
            stage=stage,
            owner=form.cleaned_data["owner"],
            due_date=form.cleaned_data["due_date"],
        )
    return _form(
        request, form, title=stage.display_name, brief=job.brief, back=job.get_absolute_url()
    )


@require_POST
def job_hand_off(request, pk):
    job, access = job_get_for_user(request.user, pk)
    deny_unless(access.can_move_jobs)
    form = HandOffForm(request.POST, brief=job.brief)
    if not form.is_valid():
        messages.error(request, _("Choose someone on the team."))
        return redirect(job)
    return run_and_redirect(
        request,
        services.job_hand_off,
        job.get_absolute_url(),
        success=_("Handed off."),
        job=job,
        to_user=form.cleaned_data["to_user"],
        note=form.cleaned_data["note"],
    )
