from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

NAME_MAX_LENGTH = 100
DESCRIPTION_MAX_LENGTH = 1000
QUANTITY_MAX = 1_000_000


class User(AbstractUser):
    """The project's user. Empty for now: add fields here, then `makemigrations`."""


class Item(models.Model):
    """The example resource: its fields and limits are the API's (see the README)."""

    name = models.CharField(max_length=NAME_MAX_LENGTH)
    description = models.TextField(max_length=DESCRIPTION_MAX_LENGTH, null=True, blank=True)
    quantity = models.PositiveIntegerField(
        default=0, validators=[MinValueValidator(0), MaxValueValidator(QUANTITY_MAX)]
    )

    def __str__(self) -> str:
        return self.name
