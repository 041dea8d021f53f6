"""marshmallow schemas: they validate requests and shape responses and the OpenAPI document.

The limits live in the fields' validators and in their OpenAPI `pattern`s alike, so that a
client (or a property-based tester) reading `/openapi.json` knows exactly what is accepted.
"""

import re
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

# 2^63 - 1: the largest id and offset a 64-bit signed column (BIGINT) can hold.
MAX_BIGINT = 2**63 - 1
MAX_QUANTITY = 1_000_000
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20

# Whitespace as JSON Schema patterns (ECMA-262 `\s`) define it, spelled out so that the
# documented pattern, the check and the stripping agree (Python's `\s` differs slightly).
WHITESPACE = (
    "\t\n\v\f\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_SPACE = r"\t\n\x0b\x0c\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
# A name: 1 to 100 characters once surrounding whitespace is stripped, no NUL anywhere.
NAME_PATTERN = rf"^[{_SPACE}]*[^{_SPACE}\x00](?:[^\x00]{{0,98}}[^{_SPACE}\x00])?[{_SPACE}]*$"
# A description: no NUL; its length is checked separately (maxLength 1000).
NO_NUL_PATTERN = r"^[^\x00]*$"
MAX_DESCRIPTION = 1000


class CleanText(fields.String):
    """A string that can be stored: no NUL character, no unpaired surrogate.

    PostgreSQL refuses NUL in text, and an unpaired surrogate (a JSON escape such as
    "\\ud800" alone) cannot be encoded as UTF-8 by any database driver.
    """

    default_error_messages = {  # noqa: RUF012 - marshmallow's own convention
        "nul": "Must not contain the NUL character (U+0000).",
        "surrogate": "Must not contain an unpaired surrogate (U+D800 to U+DFFF).",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text: str = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise self.make_error("nul")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise self.make_error("surrogate") from None
        return text


class Name(CleanText):
    """An item's name: stripped, then 1 to 100 characters."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            metadata={
                "description": "Surrounding whitespace is stripped; then 1 to 100 characters.",
                "pattern": NAME_PATTERN,
                "example": "Notebook",
            },
            **kwargs,
        )

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if re.fullmatch(NAME_PATTERN, text) is None:
            raise ValidationError(
                "Must be 1 to 100 characters once surrounding whitespace is stripped."
            )
        return text.strip(WHITESPACE)


def description_field(**kwargs: Any) -> CleanText:
    return CleanText(
        allow_none=True,
        validate=validate.Length(max=MAX_DESCRIPTION),
        metadata={"pattern": NO_NUL_PATTERN, "example": "Squared paper, A5"},
        **kwargs,
    )


def quantity_field(**kwargs: Any) -> fields.Integer:
    # strict: `true`, "7" and 7.0 are refused; only a JSON integer is one.
    return fields.Integer(strict=True, validate=validate.Range(min=0, max=MAX_QUANTITY), **kwargs)


class StrictSchema(Schema):
    class Meta:
        # An unknown field is an error (and `additionalProperties: false` in OpenAPI).
        unknown = RAISE


class MessageSchema(Schema):
    message = fields.String(required=True)


class HealthSchema(Schema):
    status = fields.String(required=True, metadata={"example": "ok"})
    database = fields.String(required=True, metadata={"example": "ok"})


class ItemSchema(StrictSchema):
    """An item as clients create it (POST) and receive it."""

    id = fields.Integer(dump_only=True, metadata={"minimum": 1, "maximum": MAX_BIGINT})
    name = Name(required=True)
    description = description_field(load_default=None)
    quantity = quantity_field(load_default=0)


class ItemUpdateSchema(StrictSchema):
    """A partial update (PATCH): only the fields sent change. `name` and `quantity` may
    not be null; a null `description` clears it."""

    name = Name()
    description = description_field()
    quantity = quantity_field()


class PageArgsSchema(Schema):
    """The query of the list: which slice of the items, in ascending id order."""

    class Meta:
        # Other query parameters (a sort order, say) are ignored, never an error.
        unknown = "exclude"

    offset = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0, max=MAX_BIGINT),
        metadata={"description": "How many items to skip."},
    )
    limit = fields.Integer(
        load_default=DEFAULT_PAGE_SIZE,
        validate=validate.Range(min=1, max=MAX_PAGE_SIZE),
        metadata={"description": "How many items at most (1 to 100)."},
    )


class PageSchema(Schema):
    """A page of items, with the total to page through them."""

    items = fields.List(fields.Nested(ItemSchema), required=True)
    total = fields.Integer(required=True, metadata={"minimum": 0})
    offset = fields.Integer(required=True, metadata={"minimum": 0, "maximum": MAX_BIGINT})
    limit = fields.Integer(required=True, metadata={"minimum": 1, "maximum": MAX_PAGE_SIZE})
