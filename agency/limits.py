"""The limits every form and API input applies: ranged dates, bounded text.

    class BriefForm(InputLimitsMixin, forms.ModelForm): ...

- every date/datetime field gets `agency.dates.validate_in_range`;
- every text field without a max_length (a model TextField, a bare
  forms.CharField) gets TEXT_MAX_LENGTH, with the browser's maxlength too.
A model CharField keeps its own (smaller) max_length.
"""

from django import forms
from django.core.validators import MaxLengthValidator

from .dates import limit_dates, validate_in_range

# A long free text (a brief's section, minutes, notes): a few pages.
TEXT_MAX_LENGTH = 5000


def limit_text(form) -> None:
    for field in form.fields.values():
        if not isinstance(field, forms.CharField) or isinstance(field, forms.JSONField):
            continue
        if field.max_length is None:
            field.max_length = TEXT_MAX_LENGTH
            field.validators.append(MaxLengthValidator(TEXT_MAX_LENGTH))
            if not field.widget.is_hidden:
                field.widget.attrs.setdefault("maxlength", str(TEXT_MAX_LENGTH))


def limit_inputs(form) -> None:
    limit_dates(form)
    limit_text(form)


class InputLimitsMixin:
    """Mix into a Form/ModelForm (first): ranged dates, bounded text."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_inputs(self)


class InputLimitsSerializerMixin:
    """Mix into a DRF input serializer: ranged dates, bounded text."""

    def get_fields(self):
        from rest_framework import serializers

        fields = super().get_fields()
        for field in fields.values():
            dated = isinstance(field, (serializers.DateField, serializers.DateTimeField))
            if dated and validate_in_range not in field.validators:
                field.validators = [*field.validators, validate_in_range]
            if isinstance(field, serializers.CharField) and field.max_length is None:
                field.max_length = TEXT_MAX_LENGTH
                field.validators = [*field.validators, MaxLengthValidator(TEXT_MAX_LENGTH)]
        return fields
