"""Errors raised by the store package: one base class, one subclass per way to fail."""


class StoreError(Exception):
    """Base class for every error raised by the store package."""


class BlobNotFoundError(StoreError):
    """No blob with that name is stored."""


class UnsafeBlobNameError(StoreError):
    """A blob name is malformed or would resolve outside the store root."""
