"""marshmallow schemas: they validate requests and shape responses and the OpenAPI document."""

from marshmallow import Schema, fields, validate


class MessageSchema(Schema):
    message = fields.String(required=True)


class HealthSchema(Schema):
    status = fields.String(required=True, metadata={"example": "ok"})


class ItemSchema(Schema):
    """An item as clients send it (POST) and receive it."""

    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    description = fields.String(load_default="", validate=validate.Length(max=2000))


class ItemUpdateSchema(Schema):
    """A partial update (PATCH): only the fields sent are changed."""

    name = fields.String(validate=validate.Length(min=1, max=100))
    description = fields.String(validate=validate.Length(max=2000))
