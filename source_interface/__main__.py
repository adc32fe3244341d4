"""Serve the source interface on the development server (port 8080)."""

from source_interface.app import from_environment
from webcommon.devserver import main

main(from_environment, 8080)
