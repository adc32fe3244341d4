"""The reviewer interface: where officers of the receiving organisations work on cases."""

from journalist_interface.app import create_app

__all__ = ["create_app"]
