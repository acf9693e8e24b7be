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
