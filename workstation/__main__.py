"""Entry point of `python -m workstation`."""

import sys

from workstation.cli import run

sys.exit(run())
