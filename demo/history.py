"""The demo's past: a nulmeting a year back, later rounds and scans in between.

Each entry scans the lab at one history stage (lab.scale: adopters grow from stage to
stage, the biggest provider fixes its TLSA records, the smallest regresses) and is then
dated back to when it would have run, so the trends, deltas and round comparison of the
dashboard have something to show. The scans are real scans of the lab; only their dates
are set afterwards.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class Moment:
    weeks_ago: int
    stage: int  # lab.scale history stage
    round_name: str  # "" for a regular (weekly) scan


def plan(today: datetime) -> tuple[Moment, ...]:
    """A year of history ending today, oldest first; round names carry their year."""
    year_ago, half_year_ago = (today - timedelta(weeks=52)).year, (today - timedelta(weeks=26))
    return (
        Moment(52, 0, f"Nulmeting {year_ago} (demo)"),
        Moment(39, 1, ""),
        Moment(26, 2, f"Halfjaarmeting {half_year_ago:%Y-%m} (demo)"),
        Moment(13, 2, ""),
        Moment(4, 3, ""),
        Moment(0, 3, f"Jaarmeting {today.year} (demo)"),
    )


def backdate(scan_id: int, today: datetime, weeks_ago: int) -> None:
    """Move a finished scan (and its judgements) to `weeks_ago` weeks before today."""
    from django.db.models import F

    from measurement.models import DomainResult, Scan

    shift = timedelta(weeks=weeks_ago)
    if not shift:
        return
    Scan.objects.filter(pk=scan_id).update(
        created_at=F("created_at") - shift,
        started_at=F("started_at") - shift,
        finished_at=F("finished_at") - shift,
        heartbeat_at=F("heartbeat_at") - shift,
    )
    DomainResult.objects.filter(scan_id=scan_id, judged_at__isnull=False).update(
        judged_at=F("judged_at") - shift
    )


def describe(moments: tuple[Moment, ...], today: datetime) -> str:
    """What history the demo made, for its output."""
    lines = ["Demogeschiedenis (lab-stadia: meer DANE en MTA-STS, een provider herstelt, een"]
    lines.append("provider gaat achteruit):")
    for moment in moments:
        when = (today - timedelta(weeks=moment.weeks_ago)).date().isoformat()
        lines.append(f"  {when}  stadium {moment.stage}  {moment.round_name or 'wekelijkse scan'}")
    return "\n".join(lines)
