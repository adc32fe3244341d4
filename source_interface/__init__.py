"""The source interface: where a source reports corruption, from Tor Browser."""

from source_interface.app import create_app

__all__ = ["create_app"]
