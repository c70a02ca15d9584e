from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import CheckIn, Client, Contact, Party, TeamMembership, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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


class MembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ("user",)


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


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ("client", "date", "topic", "author")
    list_filter = ("topic",)
    list_select_related = ("client", "author")
    search_fields = ("client__name", "notes")
