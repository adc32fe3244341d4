"""The workstation's one base error: a reason (the key of the message to show) and a detail."""


class WorkstationError(Exception):
    """Something cannot be opened; `reason` names the message to show the officer."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
