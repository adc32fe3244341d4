"""Serve the reviewer interface on the development server (port 8081)."""

from journalist_interface.app import from_environment
from webcommon.devserver import main

main(from_environment, 8081)
