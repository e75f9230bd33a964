"""Red team: "ask to re-confirm" mails each member once per change of the text.

The admin action has no guard against a second click, or a second staff member running it: each
run mailed every outdated signer again.
"""

import datetime

import pytest
import time_machine

from drives import services
from drives.models import Answer
from icnk.models import OutboundEmail

pytestmark = pytest.mark.django_db


def test_asking_twice_about_the_same_text_mails_each_member_once(drive, draft, orgs, editor):
    signer = drive.invitations.get(organization=orgs[0])
    services.answer(invitation=signer, choice=Answer.Choice.SIGNED)
    draft.body += "\n\nA material change."
    draft.save()

    before = OutboundEmail.objects.filter(to="ca@example.org").count()
    assert services.ask_reconfirm(drive=drive, user=editor) == 1
    assert services.ask_reconfirm(drive=drive, user=editor) == 0  # a double click
    assert OutboundEmail.objects.filter(to="ca@example.org").count() == before + 1

    # The text changes again: asking about the new text mails them again.
    with time_machine.travel(datetime.timedelta(minutes=5)):
        draft.body += "\n\nAnother change."
        draft.save()
        assert services.ask_reconfirm(drive=drive, user=editor) == 1
