from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Item, User


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    pass


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin[Item]):
    list_display = ("id", "name", "quantity")
    search_fields = ("name", "description")
    ordering = ("id",)
