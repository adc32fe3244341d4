"""One base error for the use cases; the web layer and the command line translate it."""


class CoreError(Exception):
    """A use case could not be carried out; the message says why (no user content)."""


class NotFound(CoreError):
    """The thing does not exist, or the actor may not know that it does (same answer)."""


class WorkflowError(CoreError):
    """A status change that the workflow does not allow, or that lacks what it needs."""


class Conflict(CoreError):
    """The change clashes with what exists (a taken name, a duplicate)."""


class Invalid(CoreError):
    """An input the use case refuses (a bad recipient, an envelope of the wrong shape)."""


class ReauthenticationNeeded(CoreError):
    """The change needs the actor's passphrase and a fresh code, checked just before."""


class Damaged(CoreError):
    """A stored blob is missing or does not match its row: it must not be served."""


class DiskFull(CoreError):
    """The disk (store or database) has no room: nothing was stored; try again later."""


class NotAllowed(CoreError):
    """The actor's role at the desk does not allow this (an officer approving a closure)."""
