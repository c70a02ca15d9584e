from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.utils.translation import gettext_lazy as _

from agency.errors import DomainError

from .models import CheckIn, Client, Contact, Party, TeamMembership, User
from .services import team_changes_record, team_snapshot
from .team_roles import (
    ERR_AGENCY_ROLE_LEAVES_TEAM_ROLES,
    check_member_add,
    check_member_change,
    role_label,
    team_roles_for,
)


class UserChangeForm(BaseUserChangeForm):
    def clean_role(self):
        """A new agency role must still fit every team role the person holds.

        Otherwise demoting an AD to AE would leave them approving as "AD on team".
        """
        role = self.cleaned_data["role"]
        if self.instance.pk and role != self.instance.role:
            allowed = team_roles_for(User(role=role))
            unfit = TeamMembership.objects.filter(user=self.instance).exclude(team_role__in=allowed)
            clients = sorted(str(m.client) for m in unfit.select_related("client"))
            if clients:
                raise forms.ValidationError(
                    ERR_AGENCY_ROLE_LEAVES_TEAM_ROLES,
                    params={
                        "role": role_label(role),
                        "name": self.instance,
                        "clients": ", ".join(clients),
                    },
                )
        return role


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    list_display = ("username", "full_name", "email", "role", "is_department_head", "is_active")
    list_filter = ("role", "is_department_head", "is_active", "is_staff")
    search_fields = ("username", "full_name", "email")
    ordering = ("full_name",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "email", "language")}),
        (_("Agency"), {"fields": ("role", "is_department_head")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "email", "role", "password1", "password2"),
            },
        ),
    )


class MembershipInlineForm(forms.ModelForm):
    """The admin's team rows obey the same team-role rules as the app (accounts.team_roles)."""

    actor = None  # set per request by MembershipInline.get_formset

    class Meta:
        model = TeamMembership
        fields = ("user", "team_role", "is_lead", "expectations")

    def clean(self):
        cleaned = super().clean()
        user, team_role = cleaned.get("user"), cleaned.get("team_role")
        if user is None or not team_role or self.actor is None:
            return cleaned
        try:
            if self.instance.pk is None or self.instance.user_id != user.pk:
                check_member_add(
                    actor=self.actor,
                    user=user,
                    team_role=team_role,
                    is_lead=bool(cleaned.get("is_lead")),
                )
            else:
                check_member_change(
                    actor=self.actor,
                    membership=self.instance,
                    team_role=team_role,
                    is_lead=bool(cleaned.get("is_lead")),
                )
        except DomainError as e:
            raise forms.ValidationError(e.message) from None
        return cleaned


class MembershipInline(admin.TabularInline):
    model = TeamMembership
    form = MembershipInlineForm
    extra = 0
    autocomplete_fields = ("user",)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type(formset.form.__name__, (formset.form,), {"actor": request.user})
        return formset


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class PartyInline(admin.TabularInline):
    model = Party
    extra = 0


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "industry", "status", "since")
    list_filter = ("status", "industry")
    search_fields = ("name", "short_name")
    inlines = (MembershipInline, ContactInline, PartyInline)

    def save_formset(self, request, form, formset, change):
        """Team changes made here are on the client's timeline too ("nothing lost")."""
        if formset.model is not TeamMembership:
            return super().save_formset(request, form, formset, change)
        client = form.instance
        before = team_snapshot(client) if change else {}
        super().save_formset(request, form, formset, change)
        team_changes_record(client=client, actor=request.user, before=before)
        return None


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ("client", "date", "topic", "author")
    list_filter = ("topic",)
    list_select_related = ("client", "author")
    search_fields = ("client__name", "notes")
