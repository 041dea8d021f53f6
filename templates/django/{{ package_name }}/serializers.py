"""The item as the API reads and writes it, with strict types and the contract's limits.

`FIELD_SCHEMAS` says the same rules in OpenAPI terms (schema.py puts them into the
document), so a client that follows the schema is never refused and one that does not is
always refused (400).
"""

from collections.abc import Mapping
from typing import Any, ClassVar

from django_stubs_ext import StrOrPromise
from rest_framework import serializers
from rest_framework.fields import empty

from .models import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH, QUANTITY_MAX, Item

# The whitespace stripped from around a name: spaces, tabs and line breaks (ASCII), as a
# regular-expression class that Python and ECMAScript (OpenAPI) read the same way.
STRIPPED = " \t\n\r\x0b\x0c"
WHITESPACE = r"\t-\r "
# A name: no NUL; once stripped, 1 to NAME_MAX_LENGTH characters.
NAME_PATTERN = (
    rf"^[{WHITESPACE}]*[^{WHITESPACE}\x00]"
    rf"(?:[^\x00]{{0,{NAME_MAX_LENGTH - 2}}}[^{WHITESPACE}\x00])?[{WHITESPACE}]*$"
)
NO_NUL_PATTERN = r"^[^\x00]*$"
FIELD_SCHEMAS: dict[str, dict[str, Any]] = {
    "name": {"type": "string", "minLength": 1, "pattern": NAME_PATTERN},
    "description": {
        "type": "string",
        "nullable": True,
        "maxLength": DESCRIPTION_MAX_LENGTH,
        "pattern": NO_NUL_PATTERN,
    },
    "quantity": {"type": "integer", "minimum": 0, "maximum": QUANTITY_MAX},
}
# Unknown field names are quoted back only this far.
EXCERPT_LENGTH = 40


def excerpt(text: str) -> str:
    """The start of `text`, safe to send back (an unpaired surrogate becomes "?")."""
    cut = text[:EXCERPT_LENGTH] + ("..." if len(text) > EXCERPT_LENGTH else "")
    return cut.encode("utf-8", "replace").decode("utf-8")


def has_unpaired_surrogate(text: str) -> bool:
    # JSON can carry "\ud800" alone; UTF-8 (and so every database) cannot store it.
    return any("\ud800" <= char <= "\udfff" for char in text)


class StrictCharField(serializers.CharField):
    """A JSON string only (DRF would turn 7 into "7"), without unpaired surrogates.

    NUL is refused by DRF's CharField already. `strip` removes STRIPPED characters from
    both ends (DRF's own trimming would take every Unicode space).
    """

    default_error_messages: ClassVar[dict[str, StrOrPromise]] = {
        "invalid": "Not a valid string.",
        "surrogate": "Unpaired surrogate characters are not allowed.",
    }

    def __init__(self, *, strip: bool = False, **kwargs: Any) -> None:
        self.strip = strip
        super().__init__(trim_whitespace=False, **kwargs)

    def run_validation(self, data: Any = empty) -> Any:
        if self.strip and isinstance(data, str):
            data = data.strip(STRIPPED)
        return super().run_validation(data)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        if has_unpaired_surrogate(data):
            self.fail("surrogate")
        return str(super().to_internal_value(data))


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer only: DRF would also take true, "7" and 7.0."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return int(super().to_internal_value(data))


class ItemSerializer(serializers.ModelSerializer[Item]):
    """Checks and shapes an item. Fields not listed here are refused, not ignored."""

    name = StrictCharField(strip=True, max_length=NAME_MAX_LENGTH)
    # Kept as sent (not stripped).
    description = StrictCharField(
        max_length=DESCRIPTION_MAX_LENGTH, allow_null=True, allow_blank=True, default=None
    )
    quantity = StrictIntegerField(min_value=0, max_value=QUANTITY_MAX, default=0)

    class Meta:
        model = Item
        fields = ("id", "name", "description", "quantity")
        read_only_fields = ("id",)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(str(key) for key in data if key not in self.fields)
            if unknown:
                raise serializers.ValidationError(
                    {excerpt(key): ["Unknown field."] for key in unknown}
                )
        return super().to_internal_value(data)
