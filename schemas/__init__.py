"""The official GPML schema, shipped in the wheel as converter.schemas."""
