"""The operator command line (`westrong …`, `python manage.py …`)."""

from cli.commands import main, run

__all__ = ["main", "run"]
