"""Secure defaults: settings read in a fresh interpreter from a bare environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SHOW = """
import json, django
from django.conf import settings
django.setup()
from django.urls import Resolver404, resolve
def route(path):
    try:
        return resolve(path).app_name or resolve(path).url_name
    except Resolver404:
        return None
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "SECURE_SSL_REDIRECT": getattr(settings, "SECURE_SSL_REDIRECT", False),
    "development_key": "insecure" in settings.SECRET_KEY,
    "admin_login": route("/" + settings.ADMIN_PATH + "login/"),
    "well_known_admin": route("/admin/login/"),
}))
"""


def _settings(tmp_path, **environment: str) -> subprocess.CompletedProcess:
    bare = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "VAR_DIR": str(tmp_path),
        **environment,
    }
    return subprocess.run(
        [sys.executable, "-c", SHOW], cwd=ROOT, env=bare, capture_output=True, text=True
    )


def test_with_nothing_set_the_site_refuses_to_start_without_a_secret_key(tmp_path):
    run = _settings(tmp_path)
    assert run.returncode != 0
    assert "SECRET_KEY must be set" in run.stderr


def test_production_is_the_default_once_a_secret_key_is_given(tmp_path):
    run = _settings(tmp_path, SECRET_KEY="a-real-secret")
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout)
    assert seen["DEBUG"] is False
    assert seen["SECURE_SSL_REDIRECT"] is True
    assert "testserver" not in seen["ALLOWED_HOSTS"]
    assert seen["development_key"] is False


def test_development_mode_is_switched_on_explicitly(tmp_path):
    seen = json.loads(_settings(tmp_path, DEBUG="true").stdout)
    assert seen["DEBUG"] is True
    assert seen["development_key"] is True
    assert "testserver" in seen["ALLOWED_HOSTS"]


def test_the_admin_path_is_a_setting(tmp_path):
    run = _settings(tmp_path, SECRET_KEY="a-real-secret", ADMIN_PATH="/beheer-7f3/")
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout)
    assert seen["admin_login"] == "admin"
    assert seen["well_known_admin"] is None  # /admin/ is nothing at all then


def test_the_tests_themselves_run_in_development_mode(settings):
    assert "testserver" in settings.ALLOWED_HOSTS
    assert "insecure" in settings.SECRET_KEY
