"""``python -m converter`` runs the command line."""

from .cli import main

main()
