from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agency.actions import run_and_redirect, run_service
from agency.permissions import deny_unless

from . import services
from .forms import ImportForm
from .reading import template_dataset


def import_page(request):
    """Upload; "Dry run" shows every row's result, "Import" writes (and shows them too)."""
    kinds = services.import_kinds_for(request.user)
    deny_unless(bool(kinds))
    result = None
    form = ImportForm(request.POST or None, request.FILES or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        dry_run = "dry_run" in request.POST
        ok, result = run_service(
            request,
            services.import_run,
            file_name=upload.name,
            content=upload.read(),
            update_existing=form.cleaned_data["update_existing"],
            all_or_nothing=form.cleaned_data["all_or_nothing"],
            dry_run=dry_run,
            kind=form.cleaned_data["kind"],
        )
        if not ok:
            result = None
    batches = services.batch_list_for_user(request.user)[:20]
    return render(
        request,
        "imports/index.html",
        {"form": form, "result": result, "batches": batches, "kinds": kinds},
    )


def template_download(request, kind, fmt):
    deny_unless(kind in services.import_kinds_for(request.user))
    data = template_dataset(kind)
    if fmt == "xlsx":
        body = data.export("xlsx")
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "csv":
        # With the BOM, so Excel opens the UTF-8 file with the Chinese intact.
        body = "\ufeff" + data.export("csv")
        content_type = "text/csv; charset=utf-8"
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="import-{kind}.{fmt}"'
    return response


@require_POST
def batch_undo(request, pk):
    deny_unless(bool(services.import_kinds_for(request.user)))
    batch = services.batch_get_for_user(request.user, pk)
    return run_and_redirect(
        request,
        services.batch_undo,
        redirect("imports:index").url,
        success=_("The import was undone."),
        batch=batch,
    )
