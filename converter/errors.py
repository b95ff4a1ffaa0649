"""Domain errors. Each carries text a user can act on; the CLI prints it on one line."""

__all__ = ["ConverterError", "MappingError", "OutputError", "PushError", "RecordError", "SchemaError"]


class ConverterError(Exception):
    """Base of every error pfocr2gpml raises on purpose."""


class RecordError(ConverterError):
    """A figure record or one of its tables cannot be read."""


class MappingError(ConverterError):
    """Identifiers cannot be resolved (for example the gene table is missing or damaged)."""


class SchemaError(ConverterError):
    """A GPML document is not valid against the GPML schema."""


class PushError(ConverterError):
    """A draft could not be pushed to GitHub."""


class OutputError(ConverterError):
    """A file cannot be written (a full disk, no permission, a path that is not a folder)."""
