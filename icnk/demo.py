"""The demo coalition's own details, from the reference documents (facts only, our words)."""

import datetime

from icnk.models import SiteSettings

SITE = {
    "name_en": "International Coalition to Stop Crimes against Humanity in North Korea",
    "name_ko": "북한반인도범죄철폐국제연대",
    "name_ja": "北朝鮮における人道に対する罪を止める国際NGO連合",
    "short_name": "ICNK",
    "mission_en": (
        "Human rights organizations, campaigners and survivors from Asia, the Americas and "
        "Europe working together so that the crimes against humanity committed in North Korea "
        "are investigated by a United Nations Commission of Inquiry and no longer go unpunished."
    ),
    "mission_ko": (
        "아시아와 미주, 유럽의 인권단체와 활동가, 생존자들이 함께 힘을 모아, 북한에서 자행되는 "
        "반인도범죄를 유엔 조사위원회가 조사하고 그 책임자들이 더 이상 처벌을 피하지 못하도록 "
        "활동합니다."
    ),
    "mission_ja": (
        "アジア、南北アメリカ、ヨーロッパの人権団体、活動家、そして生存者が力を合わせ、"
        "北朝鮮で行われている人道に対する罪が国連調査委員会によって調査され、"
        "その責任者が処罰を免れることのないよう活動しています。"
    ),
    "objectives_en": (
        "We bring together the major international human rights organizations, groups "
        "campaigning for freedom in North Korea and survivors of its prison camps in one "
        "campaign: a full investigation of the regime's crimes against humanity by a United "
        "Nations Commission of Inquiry.\n\n"
        "We believe that organizations and individuals acting together carry more weight with "
        "governments and the public than any of us alone, and that a united voice sends the "
        "clearest message to those responsible.\n\n"
        "Change in North Korea needs many skills and many approaches. Every member keeps its "
        "own identity and its own work; what unites us is the common call for a Commission of "
        "Inquiry.\n\n"
        "Our members are organizations and individuals from across Asia, North America, Latin "
        "America and Europe, and new members who share these objectives are welcome."
    ),
    "objectives_ko": (
        "우리는 주요 국제 인권단체와 북한의 자유를 위해 활동하는 단체, 그리고 정치범수용소 "
        "생존자들을 하나의 캠페인으로 모읍니다. 그 목표는 유엔 조사위원회를 통해 북한 정권의 "
        "반인도범죄를 철저히 조사하는 것입니다.\n\n"
        "단체와 개인이 함께 행동할 때 각자 따로 움직일 때보다 각국 정부와 여론에 더 큰 영향을 "
        "줄 수 있으며, 하나된 목소리가 책임자들에게 가장 분명한 메시지를 전한다고 우리는 "
        "믿습니다.\n\n"
        "북한의 변화를 위해서는 다양한 역량과 접근이 필요합니다. 모든 회원은 각자의 정체성과 "
        "활동을 그대로 유지하며, 우리를 하나로 묶는 것은 조사위원회 설립이라는 공동의 "
        "요구입니다.\n\n"
        "회원은 아시아, 북미, 중남미, 유럽 각지의 단체와 개인이며, 이 목표에 공감하는 새로운 "
        "회원의 참여를 환영합니다."
    ),
    "objectives_ja": (
        "私たちは、主要な国際人権団体、北朝鮮の自由を求めて活動する団体、そして政治犯収容所の"
        "生存者を一つのキャンペーンに結集します。その目標は、国連調査委員会による北朝鮮政権の"
        "人道に対する罪の徹底的な調査です。\n\n"
        "団体と個人が共に行動すれば、それぞれが単独で動くよりも各国政府や世論に大きな影響を"
        "与えることができ、一つにまとまった声こそが責任者に最も明確なメッセージを届けると"
        "私たちは考えています。\n\n"
        "北朝鮮に変化をもたらすには、多様な力と取り組みが必要です。メンバーはそれぞれの独自性と"
        "活動をそのまま保ち、私たちを結びつけるのは調査委員会の設置という共通の要求です。\n\n"
        "メンバーはアジア、北米、中南米、ヨーロッパ各地の団体と個人です。この目標に賛同する"
        "新たなメンバーの参加を歓迎します。"
    ),
    "founded_on": datetime.date(2011, 10, 3),
    "founded_in_en": "Tokyo",
    "founded_in_ko": "도쿄",
    "founded_in_ja": "東京",
    "contact_email": "secretariat@icnk.example.org",
}


def load(stdout):
    _obj, created = upsert(SiteSettings, {"pk": 1}, SITE)
    stdout.write(f"Site settings {'created' if created else 'up to date'}: {SITE['short_name']}")


def upsert(model, lookup, values):
    """Create the row, or bring it up to date; save only when something differs.

    So a second `load_demo` run writes nothing, and staff edits made since are only overwritten
    where the demo data itself says otherwise.
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
    return obj, False
