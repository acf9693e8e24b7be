"""Who may see and change what of an organisation: its members by role, Forum staff all.

Every view that takes an organisation goes through organisation_for, so a person of
organisation A gets a 404 for anything of organisation B (not even its existence leaks
beyond the public pages).
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Membership, Role
from measurement.models import Organisation


def is_forum_staff(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def role_in(user, organisation: Organisation) -> str:
    """beheerder, lezer, or "" for a person who is not a member."""
    if not user.is_authenticated:
        return ""
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    return membership.role if membership else ""


def organisation_for(user, slug: str, *, manage: bool = False) -> Organisation:
    """The organisation this person may read (or, with manage, change), else Http404."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if is_forum_staff(user):
        return organisation
    role = role_in(user, organisation)
    if not role or (manage and role != Role.BEHEERDER):
        raise Http404("no access to this organisation")
    return organisation


def can_manage(user, organisation: Organisation) -> bool:
    return is_forum_staff(user) or role_in(user, organisation) == Role.BEHEERDER


def is_member_or_staff(user, organisation: Organisation) -> bool:
    return is_forum_staff(user) or bool(role_in(user, organisation))
