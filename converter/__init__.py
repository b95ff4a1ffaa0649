"""pfocr2gpml: turn Pathway Figure OCR figures into draft WikiPathways pathways."""

__version__ = "0.1.0"
