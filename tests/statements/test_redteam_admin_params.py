"""Red team: odd numbers in the statement admin's query strings get a page, never a 500.

str.isdigit() accepts "²" and other digits that int() and the database refuse; a very long
number does not fit an id.
"""

import pytest
from django.core.management import call_command

from icnk.roles import ADMINISTRATORS, EDITORS
from statements.models import Statement
from tests.factories import login_with_two_factor, make_staff

pytestmark = pytest.mark.django_db

ODD = ["²", "٣x", "9" * 30, "-1", "1.5"]


def _on_the_demo_desk(client, username, group):
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    login_with_two_factor(client, make_staff(username, group))
    return client


@pytest.fixture
def editor_client(client, db):
    return _on_the_demo_desk(client, "editor", EDITORS)


@pytest.mark.parametrize("value", ODD)
def test_odd_numbers_in_the_statement_admin_are_no_server_error(editor_client, value):
    statement = Statement.objects.order_by("pk").first()
    pages = [
        f"/admin/statements/statement/add/?translation_of={value}&language=ko",
        f"/admin/statements/statement/{statement.pk}/history/compare/?to={value}&from={value}",
        f"/admin/statements/statement/outdated-translations/?translation={value}",
        f"/admin/statements/statement/?year={value}",
    ]
    for page in pages:
        response = editor_client.get(page)
        assert response.status_code in (200, 302), page


@pytest.fixture
def administrator_client(client, db):
    return _on_the_demo_desk(client, "chief", ADMINISTRATORS)


@pytest.mark.parametrize("value", ODD)
def test_odd_numbers_elsewhere_on_the_desk_are_no_server_error(administrator_client, value):
    """The action log's filter, the press release page, a profile change's page and the live
    preview: each took an id with str.isdigit()."""
    from urllib.parse import quote

    quoted = quote(value)
    pages = [
        (f"/admin/admin/logentry/?kind={quoted}", (200, 302)),
        (f"/admin/followers/pressrelease/release/{quoted}/", (404,)),
        (f"/admin/members/profilechange/{quoted}/reject/", (404,)),
        (f"/admin/members/profilechange/{quoted}/logo/", (404,)),
    ]
    for page, expected in pages:
        assert administrator_client.get(page).status_code in expected, page
    statement = Statement.objects.order_by("pk").first()
    preview = administrator_client.post(
        "/admin/statements/statement/live-preview/",
        {"title": "A title", "body": "Text.", "language": "ko", "translation_of": value},
    )
    assert preview.status_code == 200
    press = administrator_client.post(
        f"/admin/followers/pressrelease/release/{statement.pk}/", {"journalists": [value]}
    )
    assert press.status_code in (200, 400, 403, 409), press.status_code
