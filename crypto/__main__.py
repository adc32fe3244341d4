"""Entry point of `python -m crypto`."""

import sys

from crypto.cli import run

sys.exit(run())
