"""What an explanation of a verdict reason holds."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Explanation:
    title: str  # what is wrong
    why: str  # why it matters
    fix: str  # how to fix it
    record: str = ""  # the exact record, file or configuration lines, when computable
