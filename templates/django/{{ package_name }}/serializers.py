from rest_framework import serializers

from .models import Item


class ItemSerializer(serializers.ModelSerializer[Item]):
    """Checks input against the model's fields: required, lengths, price >= 0.

    Prices travel as strings ("9.99") so no client rounds them through a float.
    """

    class Meta:
        model = Item
        fields = ("id", "name", "description", "price", "is_available", "created_at", "updated_at")
        read_only_fields = ("id", "created_at", "updated_at")
