"""Human labels for the timeline actions this app records
(applied by agency.timeline.labelled_timeline)."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "created": _("Created"),
    "edited": _("Edited"),
    "returned_to_draft": _("Strategy changed: returned to draft"),
    "submitted": _("Submitted"),
    "creative_agreed": _("Creative director agreed with the strategy"),
    "creative_objected": _("Creative director objected to the strategy"),
    "approved": _("Strategy approved"),
    "signed": _("Signed"),
    "client_agreed": _("Client agreed"),
    "planner_reviewed": _("Planner reviewed"),
    "sent_back": _("Sent back to draft by the planner"),
    "briefed": _("Creative team briefed"),
    "in_progress": _("Work started"),
    "closed": _("Closed"),
    "work_submitted": _("Creative work submitted"),
    "judged_strategy_yes": _("On strategy: yes"),
    "judged_strategy_no": _("On strategy: no"),
    "judged_quality_yes": _("Good enough: yes"),
    "judged_quality_no": _("Good enough: no"),
    "escalated": _("Escalated"),
    "raised": _("Escalation raised"),
    "head_decided": _("Department head decided"),
    "contested": _("Contested: sent to the MD"),
    "md_decided": _("MD decided (final)"),
    "job_created": _("Job created"),
    "stage_planned": _("Stage owner / due date set"),
    "handed_off": _("Handed off"),
    "delivered": _("Delivered"),
}
