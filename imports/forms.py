from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

ERR_TOO_BIG = _("The file is larger than %(mb)s MB.")


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to import"), choices=())
    file = forms.FileField(
        label=_("File"),
        help_text=_("An .xlsx or .csv file (UTF-8 or GBK) with a header row."),
    )
    update_existing = forms.BooleanField(
        label=_("Update existing clients"),
        required=False,
        help_text=_(
            "A row matching a client (on the unified social credit code, then the name) "
            "updates it; otherwise that row is skipped."
        ),
    )
    all_or_nothing = forms.BooleanField(
        label=_("All or nothing"),
        required=False,
        help_text=_("Import nothing if any row has an error."),
    )

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Batch

        self.fields["kind"].choices = [(k, Batch.Kind(k).label) for k in kinds]
        self.fields["kind"].initial = kinds[0] if kinds else None

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > settings.MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(ERR_TOO_BIG % {"mb": settings.MAX_UPLOAD_MB})
        if not f.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Upload an .xlsx or .csv file."))
        return f
