"""The English message catalogues: valid for msgfmt -c, compiled as committed, translated."""

import subprocess
from pathlib import Path

import pytest
from django.utils import translation

REPO = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(
    p for p in REPO.glob("**/locale/en/LC_MESSAGES/django.po") if ".venv" not in p.parts
)


def test_the_catalogues_are_found():
    assert len(CATALOGUES) >= 3, CATALOGUES


@pytest.mark.parametrize("po", CATALOGUES, ids=[str(p.relative_to(REPO)) for p in CATALOGUES])
def test_each_catalogue_has_a_header_and_passes_msgfmt_check(po):
    result = subprocess.run(
        ["msgfmt", "-c", "-o", "/dev/null", str(po)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_the_accounts_app_name_is_translated():
    from django.apps import apps

    with translation.override("en"):
        assert str(apps.get_app_config("accounts").verbose_name) == "Accounts and explanations"
