from collections import Counter

from demo.government import ORGANISATIONS, assignments, interleaved


def test_the_demo_government_has_about_sixty_organisations_in_every_sector():
    assert 55 <= len(ORGANISATIONS) <= 65
    assert set(Counter(sector for sector, _ in ORGANISATIONS)) == {
        "rijk", "provincie", "gemeente", "waterschap", "semi_publiek"
    }  # fmt: skip


def test_any_ten_domains_reach_every_sector_and_are_labelled_demo_data():
    rows = list(assignments([f"d{i}.example" for i in range(10)]))
    assert {sector for _, sector, _ in rows} == {s for s, _ in ORGANISATIONS}
    assert all(name.endswith("(demo)") for name, _, _ in rows)
    assert len(interleaved()) == len(ORGANISATIONS)


def test_the_demo_history_runs_from_a_nulmeting_a_year_back_to_todays_round():
    import datetime

    from demo import history
    from lab import scale

    today = datetime.datetime(2026, 12, 7, tzinfo=datetime.UTC)
    moments = history.plan(today)
    assert moments[0].weeks_ago == 52 and moments[0].round_name.startswith("Nulmeting 2025")
    assert moments[-1].weeks_ago == 0 and moments[-1].round_name
    assert [m.stage for m in moments] == sorted(m.stage for m in moments)
    assert {m.stage for m in moments} == set(range(scale.STAGES))
    assert sum(1 for m in moments if m.round_name) >= 3
    assert "2025-12-08" in history.describe(moments, today)


def test_backdating_moves_a_scan_and_its_judgements_by_whole_weeks(db):
    import datetime

    from django.utils import timezone

    from demo import history
    from measurement.models import Scan

    now = timezone.now()
    scan = Scan.objects.create(
        kind=Scan.Kind.ROUND, status=Scan.Status.FINISHED, created_at=now, started_at=now,
        finished_at=now, methodology_version="1.0", scanner_version="test",
    )  # fmt: skip
    history.backdate(scan.pk, now, 52)
    scan.refresh_from_db()
    assert scan.created_at == now - datetime.timedelta(weeks=52)
    assert scan.finished_at == scan.created_at and scan.heartbeat_at is None
