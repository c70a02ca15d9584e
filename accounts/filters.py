import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Client


class ClientFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=Client.Status.choices,
        empty_label=_("Any status"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    industry = django_filters.ChoiceFilter(
        label=_("Industry"),
        choices=Client.Industry.choices,
        empty_label=_("Any industry"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    class Meta:
        model = Client
        fields = ("q", "status", "industry")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))
