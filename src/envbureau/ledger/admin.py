from django.contrib import admin

from .models import Problem, SignOffChain, SignOffStep


class StepInline(admin.TabularInline):
    model = SignOffStep
    extra = 1


@admin.register(SignOffChain)
class SignOffChainAdmin(admin.ModelAdmin):
    list_display = ("name", "source", "active")
    inlines = [StepInline]


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    # Read-only here: state changes go through the verbs in services.py (UI, API), never the admin.
    list_display = ("code", "title", "source", "category", "jurisdiction", "state", "deadline")
    list_filter = ("state", "source", "category")
    search_fields = ("code", "title")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
