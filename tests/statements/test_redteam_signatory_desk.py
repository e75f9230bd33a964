"""Red team: the bulk signatory desk shows individual supporters only to staff who may see them.

The statement history shows "an individual supporter" to staff without `members.view_supporter`,
and the admin's own search of people refuses them; the desk's "a group" and "paste names" steps
listed every signable person by name to anyone who may add signatures.
"""

import pytest
from django.contrib.auth.models import Permission, User

from members.models import Visibility
from statements.models import Statement
from tests.factories import login_with_two_factor, make_supporter

pytestmark = pytest.mark.django_db

CODENAMES = [
    "view_statement",
    "change_statement",
    "view_signature",
    "add_signature",
    "view_organization",
]


@pytest.fixture
def statement(db):
    return Statement.objects.create(
        title="On accountability", slug="on-accountability", language="en", body="Text."
    )


@pytest.fixture
def signature_clerk(client, db):
    """A staff member who may add signatures but may not see individual supporters."""
    user = User.objects.create_user("clerk", "clerk@example.org", "a-long-test-password-1")
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=CODENAMES))
    login_with_two_factor(client, user)
    return client


def test_staff_who_may_not_see_supporters_do_not_get_their_names_from_the_desk(
    signature_clerk, statement
):
    make_supporter("Minji Kim", Visibility.HIDDEN, country="KR")
    desk = f"/admin/statements/statement/{statement.pk}/signatories/"

    group = signature_clerk.post(desk, {"step": "group", "include_people": "on"})
    assert group.status_code == 200
    assert "Minji Kim" not in group.content.decode()

    # A pasted name is not matched to anyone: the page does not confirm the person exists.
    paste = signature_clerk.post(desk, {"step": "paste", "names": "Minji Kim"})
    assert paste.status_code == 200
    assert "> Minji Kim</label>" not in paste.content.decode()
    assert "Hidden: not named in public" not in paste.content.decode()
