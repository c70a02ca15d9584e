from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from agency.actions import render_form, run_service
from agency.permissions import deny_unless

from . import selectors, services
from .forms import ChannelForm
from .models import Channel, Delivery


@login_required
def channel_list(request):
    channels = selectors.channel_list_for_user(request.user)
    return render(
        request,
        "channels_bots/list.html",
        {"channels": channels, "may_add": selectors.may_add_any(request.user)},
    )


def _form_page(request, form, *, title, channel=None):
    back = channel.get_absolute_url() if channel else reverse("channels_bots:list")
    crumbs = [(_("Group-bot channels"), reverse("channels_bots:list"))]
    if channel:
        crumbs.append((channel.name, channel.get_absolute_url()))
    return render_form(request, form, title=title, back=back, breadcrumbs=crumbs)


def _save(request, form, channel=None):
    """Run the service on a valid form; (response or None)."""
    ok, saved = run_service(
        request,
        services.channel_save,
        success=_("Channel saved."),
        channel=form.save(commit=False),
        webhook_url=form.cleaned_data.get("webhook_url", ""),
        secret=form.cleaned_data.get("secret", ""),
    )
    return redirect(saved) if ok else None


# The webhook URL (a WeCom key is in it) and the secret never reach an error report.
@sensitive_post_parameters("webhook_url", "secret")
@login_required
def channel_add(request):
    deny_unless(selectors.may_add_any(request.user))
    form = ChannelForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        response = _save(request, form)
        if response:
            return response
    return _form_page(request, form, title=_("New group-bot channel"))


@sensitive_post_parameters("webhook_url", "secret")
@login_required
def channel_edit(request, pk):
    channel = selectors.channel_get_for_user(request.user, pk)
    form = ChannelForm(request.POST or None, instance=channel, user=request.user)
    if request.method == "POST" and form.is_valid():
        response = _save(request, form, channel)
        if response:
            return response
    return _form_page(
        request, form, title=_("Edit %(name)s") % {"name": channel.name}, channel=channel
    )


@login_required
def channel_detail(request, pk):
    channel = selectors.channel_get_for_user(request.user, pk)
    deliveries = channel.deliveries.all()
    status = request.GET.get("status", "")
    if status not in Delivery.Status.values:
        status = ""
    if status:
        deliveries = deliveries.filter(status=status)
    page = Paginator(deliveries, 50).get_page(request.GET.get("page"))
    failures = channel.deliveries.filter(
        status__in=[Delivery.Status.FAILED, Delivery.Status.ABANDONED]
    ).count()
    return render(
        request,
        "channels_bots/detail.html",
        {
            "channel": channel,
            "page_obj": page,
            "failures": failures,
            "status": status,
            "status_query": f"status={status}" if status else "",
            "statuses": Delivery.Status.choices,
            "route_labels": _route_labels(channel),
        },
    )


def _route_labels(channel: Channel) -> list[str]:
    from . import kinds

    return [str(kinds.label_of(kind)) for kind in channel.routes or []]
