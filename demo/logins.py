"""Demo logins for `make demo`: a beheerder of a gemeente that fails a standard (so there is
something to explain) and one of Forum staff. Loopback only, printed at start-up."""

from dataclasses import dataclass

from django.contrib.auth.models import User

from accounts.models import Membership, Role
from alerts.models import Subscription
from dashboard import queries
from measurement.models import Organisation, Outcome, Sector


@dataclass(frozen=True)
class DemoLogin:
    who: str
    username: str
    password: str


GEMEENTE = DemoLogin("beheerder van een gemeente", "gemeente", "demo-gemeente")
STAFF = DemoLogin("Forum Standaardisatie", "forum", "demo-forum")


def _gemeente_to_explain():
    """The first gemeente (by name) that fails a standard in the latest scan, else any."""
    rows = queries.organisation_rows(queries.latest_finished_scan(), Sector.GEMEENTE)
    failing = [row for row in rows if any(c["status"] == Outcome.FAIL for c in row.checks.values())]
    if failing or rows:
        return Organisation.objects.get(pk=(failing or rows)[0].id)
    return Organisation.objects.filter(sector=Sector.GEMEENTE).order_by("name").first()


def _user(login: DemoLogin, **flags) -> User:
    user, _created = User.objects.get_or_create(
        username=login.username, defaults={"email": f"{login.username}@demo.invalid"}
    )
    for name, value in flags.items():
        setattr(user, name, value)
    user.set_password(login.password)
    user.save()
    return user


def create_demo_logins() -> list[tuple[DemoLogin, str]]:
    """The two demo logins (created or reset), each with what it opens."""
    gemeente = _gemeente_to_explain()
    person = _user(GEMEENTE)
    logins = [(STAFF, "")]
    _user(STAFF, is_staff=True, is_superuser=True)
    if gemeente is not None:
        Membership.objects.update_or_create(
            user=person, organisation=gemeente, defaults={"role": Role.BEHEERDER}
        )
        Subscription.objects.get_or_create(user=person, organisation=gemeente)
        logins.insert(0, (GEMEENTE, gemeente.name))
    return logins
