"""The demo coalition's sign-on drive: a draft marked as a demo, invitations, some answers.

Loaded after the statements (INSTALLED_APPS order). Running it again changes nothing but a
deadline that has passed, which moves two weeks ahead so the demo drive stays in progress.
"""

import datetime
import uuid

from django.utils import timezone

from drives import services
from drives.models import Answer, Drive
from icnk.demo import upsert
from members.models import Organization, Supporter
from statements.models import Statement

KEY = uuid.UUID("5b0c8f3e-2d1a-4f7e-9a63-d7e1c0a0d415")

DRAFT = {
    "en": {
        "slug": "demo-draft-sign-on",
        "title": "[Demo] Joint call to act on the Commission of Inquiry's findings",
        "summary": "A demonstration draft circulated for signature: not a real statement.",
        "body": (
            "*This is a demonstration text for the sign-on drive, not a statement of the "
            "coalition.*\n\nThe undersigned organizations call on member states of the United "
            "Nations to act on the findings of the Commission of Inquiry on human rights in "
            "North Korea and to refer the situation to the International Criminal Court."
        ),
    },
    "ko": {
        "slug": "demo-draft-sign-on-ko",
        "title": "[데모] 조사위원회 조사 결과에 따른 행동을 촉구하는 공동 성명",
        "summary": "서명을 위해 회람하는 시연용 초안이며, 실제 성명이 아닙니다.",
        "body": (
            "*이 글은 공동 서명 기능을 보여 주기 위한 시연용 문안이며, 연대의 성명이 아닙니다.*"
            "\n\n아래 서명 단체들은 유엔 회원국들이 북한인권 조사위원회의 조사 결과에 따라 "
            "행동하고, 이 사태를 국제형사재판소에 회부할 것을 촉구합니다."
        ),
    },
    "ja": {
        "slug": "demo-draft-sign-on-ja",
        "title": "［デモ］調査委員会の報告に基づく行動を求める共同声明",
        "summary": "署名のために回覧するデモ用の草案です。実際の声明ではありません。",
        "body": (
            "*これは共同署名の機能を示すためのデモ用の文案であり、連合の声明ではありません。*"
            "\n\n下記の署名団体は、国連加盟国に対し、北朝鮮人権調査委員会の報告に基づいて"
            "行動し、事態を国際刑事裁判所に付託するよう求めます。"
        ),
    },
}

# Organizations invited (a contact address on example.org is added for the demo when missing),
# and the answers some of them gave.
INVITED = ["hrnk", "free-nk-gulag", "csw", "freedom-house", "conectas", "amnesty-international"]
ANSWERS = {
    "hrnk": Answer.Choice.SIGNED,
    "csw": Answer.Choice.SIGNED,
    "conectas": Answer.Choice.DECLINED,
}
# The member whose link `make run` prints (manage.py demo_sign_link).
LINK_FOR = "freedom-house"
# One individual supporter is invited too (with a made-up address), to show the choice of how
# a person's name appears.
PERSON = "Yuki Akimoto"


def load(stdout):
    source = None
    for language in ("en", "ko", "ja"):
        values = {**DRAFT[language], "kind": Statement.Kind.JOINT_STATEMENT}
        values |= {"status": Statement.Status.DRAFT, "translation_of": source}
        statement, _created = upsert(
            Statement, {"translation_key": KEY, "language": language}, values
        )
        source = source or statement
    organizations = list(Organization.objects.filter(slug__in=INVITED).order_by("name"))
    for organization in organizations:
        if not organization.contact_email:
            organization.contact_email = f"contact@{organization.slug}.example.org"
            organization.save(update_fields=["contact_email"])
    people = list(Supporter.objects.filter(full_name=PERSON))
    for person in people:
        if not person.email:
            person.email = "yuki.akimoto@example.org"
            person.save(update_fields=["email"])
    drive = Drive.objects.filter(statement=source, is_demo=True).first()
    if drive is None:
        drive = services.drive_start(
            statement=source,
            user=None,
            deadline=timezone.now() + datetime.timedelta(days=14),
            organizations=organizations,
            supporters=people,
            note="This drive is a demonstration: answer freely.",
        )
        drive.is_demo = True
        drive.save(update_fields=["is_demo"])
        for invitation in drive.invitations.select_related("organization"):
            choice = invitation.organization and ANSWERS.get(invitation.organization.slug)
            if choice:
                services.answer(invitation=invitation, choice=choice)
    else:
        if drive.deadline <= timezone.now():
            drive.deadline = timezone.now() + datetime.timedelta(days=14)
            drive.state = Drive.State.OPEN
            drive.save(update_fields=["deadline", "state"])
        # Members added to the demo since: invited once (no one twice).
        services.invite(drive=drive, user=None, organizations=organizations, supporters=people)
    stdout.write(
        f"Sign-on drive (demo): {drive.invitations.count()} invited, "
        f"{drive.invitations.filter(answers__isnull=False).distinct().count()} answered."
    )
