"""The summary printed after `open`: what opened, what failed and why, what needs care."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from workstation import names
from workstation.results import ItemResult
from workstation.strings import Texts


def lines(
    results: Sequence[ItemResult], texts: Texts, mat2: str | None, no_clean: bool, index: Path
) -> list[str]:
    """Return the summary an officer reads at the end of `open` (also saved as summary.txt)."""
    opened = [r for r in results if r.ok]
    failed = [r for r in results if not r.ok]
    lines = [
        "",
        f"== {texts('summary')} ==",
        texts("summary_opened", ok=len(opened), total=len(results)),
    ]
    lines.append(texts("summary_sources", detail=len({r.folder for r in opened})))
    if failed:
        lines.append(texts("summary_failed", detail=len(failed)))
        for r in failed:
            reason = texts(r.reason, detail=r.detail)
            lines.append(f"  - {names.printable(r.label)}: {reason}")
        if not opened and all(r.reason == "wrong_key" for r in failed):
            lines.append(texts("summary_wrong_key"))
    files = [r for r in opened if r.item is not None and r.item.kind == "file"]
    if no_clean:
        lines.append(texts("summary_clean_skipped"))
    elif mat2 is None and files:
        lines.append(texts("summary_no_mat2"))
    elif not_cleaned := [r for r in files if r.cleaned is None]:
        lines.append(texts("summary_not_cleaned"))
        lines += [f"  - {r.outputs[0]}: {r.clean_problem}" for r in not_cleaned]
    if risky := [r for r in files if r.risks]:
        lines.append(texts("summary_risky"))
        for r in risky:
            why = ", ".join(texts(k) for k in sorted(r.risks))
            lines.append(f"  - {r.outputs[0]}: {why}")
    identity = [r for r in opened if r.item is not None and r.item.kind == "identity"]
    if withheld := [r for r in identity if r.withheld]:
        lines.append(texts("summary_identity_withheld", detail=len(withheld)))
    if shown := [r for r in identity if not r.withheld]:
        lines.append(texts("summary_identity_opened", detail=len(shown)))
        lines += [f"  - {r.outputs[0]}" for r in shown if r.outputs]
    if not failed:
        lines.append(texts("summary_all_ok"))
    lines.append(texts("summary_index", detail=index))
    return lines
