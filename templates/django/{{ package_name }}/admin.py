from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Item, User


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    pass


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin[Item]):
    list_display = ("name", "price", "is_available", "created_at")
    list_filter = ("is_available", "created_at")
    search_fields = ("name", "description")
    readonly_fields = ("created_at", "updated_at")
