"""The item's field types: their rules, and a JSON schema that says exactly what passes.

Names are stripped before their length is checked, so the schema describes a name with a
pattern (optional surrounding whitespace around 1 to 100 characters) rather than a
`maxLength` a padded name would break. Text never holds NUL (PostgreSQL cannot store it)
or an unpaired surrogate (it cannot be encoded as UTF-8); the patterns exclude NUL.
"""

from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, Strict, WithJsonSchema

NAME_MAX_LENGTH = 100
DESCRIPTION_MAX_LENGTH = 1000
QUANTITY_MAX = 1_000_000

# Every character `str.strip()` removes (those for which `str.isspace()` is true).
WHITESPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# The character no text field accepts. (Unpaired surrogates are refused too, but no valid
# Unicode string holds one, and many regex engines reject them in a pattern.)
NOT_TEXT = r"\x00"

NAME_PATTERN = (
    rf"^[{WHITESPACE}]*[^{WHITESPACE}{NOT_TEXT}]"
    rf"(?:[^{NOT_TEXT}]{{0,{NAME_MAX_LENGTH - 2}}}[^{WHITESPACE}{NOT_TEXT}])?[{WHITESPACE}]*$"
)
TEXT_PATTERN = rf"^[^{NOT_TEXT}]*$"


def _strip(value: Any) -> Any:
    # Only strings are stripped; anything else goes on to be refused as not a string.
    return value.strip() if isinstance(value, str) else value


def _no_nul(value: str) -> str:
    # Pydantic already refuses unpaired surrogates (`string_unicode`); NUL is valid Unicode.
    if "\x00" in value:
        raise ValueError("must not contain the NUL character")
    return value


# The order matters: the lengths apply to the stripped value that `_strip` passes on.
NAME_SCHEMA = {"type": "string", "minLength": 1, "pattern": NAME_PATTERN}
QUANTITY_SCHEMA = {"type": "integer", "minimum": 0, "maximum": QUANTITY_MAX}

Name = Annotated[
    str,
    Strict(),
    Field(min_length=1, max_length=NAME_MAX_LENGTH),
    BeforeValidator(_strip),
    AfterValidator(_no_nul),
    WithJsonSchema(NAME_SCHEMA),
]
Description = Annotated[
    str,
    Strict(),
    Field(max_length=DESCRIPTION_MAX_LENGTH),
    AfterValidator(_no_nul),
    WithJsonSchema(
        {"type": "string", "maxLength": DESCRIPTION_MAX_LENGTH, "pattern": TEXT_PATTERN}
    ),
]
# Strict: `true`, `"7"` and `7.0` are refused; only a JSON integer is a quantity.
Quantity = Annotated[int, Strict(), Field(ge=0, le=QUANTITY_MAX)]

# For PATCH, where a field left out stays as it is: None stands for "not sent". A client may
# not send null (`schemas.ItemUpdate` refuses it), so the schema shows only the field's type.
NameIfSent = Annotated[Name | None, WithJsonSchema(NAME_SCHEMA)]
QuantityIfSent = Annotated[Quantity | None, WithJsonSchema(QUANTITY_SCHEMA)]
