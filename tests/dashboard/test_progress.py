"""Progress figures on a cast with known changes: deltas, the round comparison, providers."""

import pytest

from dashboard import mailproviders, progress
from measurement.models import Outcome
from tests.dashboard.progress_cast import build_progress_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def scans():
    return build_progress_cast()


def _item(headlines, check):
    return next(item for item in headlines.items if item.check == check)


def test_the_baseline_is_the_first_round_and_the_previous_round_the_newest_before(scans):
    nulmeting, _weekly, second, latest = scans
    assert progress.baseline_round() == nulmeting
    assert progress.previous_round(latest) == second
    assert progress.previous_round(second) == nulmeting
    assert progress.previous_round(nulmeting) is None


def test_headlines_give_the_share_and_the_change_in_points_per_standard(scans):
    latest = scans[-1]
    gemeente = progress.headlines(latest, "gemeente")
    assert [item.check for item in gemeente.items][:2] == ["starttls_dane", "dane"]
    dane = _item(gemeente, "dane")
    assert (dane.current.passed, dane.current.measured) == (3, 4)
    assert dane.since_baseline.points == 50.0
    assert dane.since_baseline.direction == "up" and dane.since_baseline.arrow == "▲"
    assert str(dane.since_baseline.words) == "gestegen"
    assert dane.since_previous.points == 0.0 and dane.since_previous.direction == "same"
    mta_sts = _item(gemeente, "mta_sts")
    assert mta_sts.since_baseline.points == -25.0
    assert mta_sts.since_baseline.direction == "down"
    total = _item(progress.headlines(latest), "dane")
    assert (total.current.passed, total.current.measured) == (3, 5)
    assert total.since_baseline.points == 40.0


def test_the_nulmeting_itself_has_no_change_to_show(scans):
    headlines = progress.headlines(scans[0])
    assert headlines.baseline is None and headlines.previous is None
    assert all(item.since_baseline.points is None for item in headlines.items)
    assert _item(headlines, "dane").since_baseline.direction == "unknown"


def test_a_change_is_computed_from_the_counts_not_from_rounded_shares():
    from dashboard.queries import Figure

    # 1/3 = 33.33% and 2/3 = 66.67%: 33.3 points, where rounded shares would give 33.4.
    assert progress.change(Figure(passed=1, failed=2), Figure(passed=2, failed=1)).points == 33.3
    assert progress.change(Figure(), Figure(passed=1)).points is None


def test_the_comparison_names_who_improved_and_who_regressed_per_standard(scans):
    nulmeting, _weekly, second, _latest = scans
    result = progress.compare(nulmeting, second)
    assert [m.name for m in result.improved["dane"]] == ["Gemeente Vooruit"]
    assert [m.name for m in result.improved["starttls_dane"]] == ["Gemeente Vooruit"]
    assert result.improved["mta_sts"] == ()
    assert [m.name for m in result.regressed["mta_sts"]] == ["Gemeente Achteruit"]
    assert (result.regressed["mta_sts"][0].before, result.regressed["mta_sts"][0].after) == (
        Outcome.PASS,
        Outcome.FAIL,
    )
    assert [m.name for m in result.most_improved] == ["Gemeente Vooruit"]
    assert result.most_improved[0].improved == ("starttls_dane", "dane")
    gemeente = next(row for row in result.shares if row.sector == "gemeente")
    cells = {check: (old, new, change) for check, old, new, change in gemeente.cells}
    assert (cells["dane"][0].percentage, cells["dane"][1].percentage) == (25.0, 75.0)
    assert cells["dane"][2].points == 50.0
    assert cells["starttls"][2].direction == "same"
    assert result.shares[-1].sector == "total"


def test_the_comparison_works_either_way_round(scans):
    nulmeting, _weekly, second, _latest = scans
    result = progress.compare(second, nulmeting)
    assert [m.name for m in result.regressed["dane"]] == ["Gemeente Vooruit"]
    assert [m.name for m in result.improved["mta_sts"]] == ["Gemeente Achteruit"]


def test_providers_come_from_the_platform_table_the_setting_and_the_registrable_domain(
    scans, settings
):
    found = mailproviders.providers(scans[-1])
    microsoft = found["microsoft-365"]
    assert [d.name for d in microsoft.domains] == ["gelijk.nl"]
    assert microsoft.repairable("dane") == 1 and microsoft.share("starttls") == 100.0
    assert "gedeeld.nl" in {p.name for p in found.values()}
    vooruit = found["vooruitnl"]
    assert vooruit.organisations == 1 and len(vooruit.domains) == 2
    assert vooruit.repairable("dane") == 0  # both pass now
    settings.MAIL_PROVIDER_PATTERNS = "Gedeelde ICT=*.gedeeld.nl"
    again = mailproviders.providers(scans[-1])
    assert again["gedeelde-ict"].government and again["gedeelde-ict"].repairable("dane") == 1
    assert "gedeeld.nl" not in {p.name for p in again.values()}


def test_a_host_name_matches_a_pattern_only_under_its_domain():
    patterns = (("X", ("*.mail.protection.outlook.com",)),)
    assert mailproviders.provider_of("a-b.mail.protection.outlook.com.", patterns) == "X"
    assert mailproviders.provider_of("mail.protection.outlook.com.evil.nl", patterns) == "evil.nl"
    assert mailproviders.provider_of("mail.protection.outlook.com", patterns) == "outlook.com"
    assert mailproviders.provider_of("MX1.Example.NL", ()) == "example.nl"
