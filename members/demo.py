# ruff: noqa: E501  (the table of organizations reads best one row per line)
"""The demo coalition's members, from the reference documents (facts only, our words).

Every organization and person on the January 2013 list, with the country the list gives
(none for international organizations), a kind chosen from what each is known for, and the
founding-member mark for those the October 2011 launch announcement names. The people are at
full-name visibility because the public release named them.
"""

import datetime
import io

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

from icnk.demo import upsert
from members.models import Listing, MemberStatus, Organization, OrganizationKind, Supporter
from members.models import Visibility as V

K = OrganizationKind
LAUNCH = datetime.date(2011, 10, 3)
# The list was published in January 2013; organizations not named at the launch are recorded
# as members from then.
LISTED = datetime.date(2013, 1, 28)

# (slug, name, acronym, country, kind, founding, local name)
ORGANIZATIONS = [
    ("advocates-international", "Advocates International Global Council", "", "", K.LEGAL, False, ""),
    ("amnesty-international", "Amnesty International", "", "", K.INTERNATIONAL_NGO, True, ""),
    ("ajar", "Asia Justice and Rights", "AJAR", "", K.INTERNATIONAL_NGO, False, ""),
    ("afad", "Asian Federation Against Involuntary Disappearances", "AFAD", "", K.INTERNATIONAL_NGO, False, ""),
    ("ahrhaj", "Asian Human Rights & Humanity Association of Japan", "", "JP", K.NATIONAL_NGO, False, ""),
    ("burma-partnership", "Burma Partnership", "", "TH", K.NATIONAL_NGO, False, ""),
    ("christian-lawyers-paraguay", "Christian Lawyers Association for Paraguay", "", "PY", K.LEGAL, False, ""),
    ("csw", "Christian Solidarity Worldwide", "CSW", "", K.FAITH, True, ""),
    ("hrnk", "Committee for Human Rights in North Korea", "HRNK", "US", K.ACADEMIC, True, ""),
    ("conectas", "Conectas", "", "BR", K.NATIONAL_NGO, True, ""),
    ("council-hrnk-canada", "Council for Human Rights in North Korea", "", "CA", K.NATIONAL_NGO, False, ""),
    ("freedom-house", "Freedom House", "", "US", K.NATIONAL_NGO, True, ""),
    ("free-nk-gulag", "Free NK Gulag", "", "KR", K.SURVIVORS, True, ""),
    ("free-north-korea-radio", "Free North Korea Radio", "", "KR", K.MEDIA, False, "자유북한방송"),
    ("han-voice", "Han Voice", "", "CA", K.NATIONAL_NGO, False, ""),
    ("hh-katacombs", "HH Katacombs", "", "KR", K.FAITH, False, ""),
    ("human-rights-watch", "Human Rights Watch", "HRW", "", K.INTERNATIONAL_NGO, True, ""),
    ("hrwf", "Human Rights Without Frontiers", "HRWF", "BE", K.NATIONAL_NGO, False, ""),
    ("inter-american-christian-lawyers", "Inter-American Federation of Christian Lawyers", "", "", K.LEGAL, True, ""),
    ("fidh", "International Federation for Human Rights", "FIDH", "", K.INTERNATIONAL_NGO, True, ""),
    ("comjan", "Investigation Commission on Missing Japanese Probably Related to North Korea", "COMJAN", "JP", K.NATIONAL_NGO, False, "特定失踪者問題調査会"),
    ("japanese-lawyers-abduction", "Japanese Lawyers Association for Abduction and Other Human Rights Issues in North Korea", "", "JP", K.LEGAL, False, ""),
    ("jubilee-campaign", "Jubilee Campaign", "", "US", K.FAITH, True, ""),
    ("justice-for-north-korea", "Justice for North Korea", "", "KR", K.NATIONAL_NGO, False, "북한정의연대"),
    ("kontras", "KontraS", "", "ID", K.NATIONAL_NGO, True, "Komisi untuk Orang Hilang dan Korban Tindak Kekerasan"),
    ("link", "Liberty in North Korea", "LiNK", "US", K.NATIONAL_NGO, False, ""),
    ("life-funds", "Life Funds for North Korean Refugees", "", "JP", K.NATIONAL_NGO, False, "北朝鮮難民救援基金"),
    ("nknet", "Network for North Korean Democracy and Human Rights", "NKnet", "KR", K.NATIONAL_NGO, False, "북한민주화네트워크"),
    ("nk-intellectual-solidarity", "NK Intellectual Solidarity", "", "KR", K.SURVIVORS, False, "NK지식인연대"),
    ("no-fence", "NO FENCE (Association for the abolition of concentration camps in North Korea)", "", "JP", K.NATIONAL_NGO, False, ""),
    ("north-korea-freedom-coalition", "North Korea Freedom Coalition", "", "", K.OTHER, False, ""),
    ("odhikar", "Odhikar", "", "BD", K.NATIONAL_NGO, True, ""),
    ("open-north-korea", "Open North Korea", "", "KR", K.NATIONAL_NGO, True, "열린북한"),
    ("people-in-need", "People In Need", "", "CZ", K.NATIONAL_NGO, True, ""),
    ("psalt-nk", "PSALT NK (Prayer Service Action Love Truth for North Korea)", "", "", K.FAITH, False, ""),
    ("simon-wiesenthal-center", "The Simon Wiesenthal Center", "", "", K.INTERNATIONAL_NGO, False, ""),
    ("society-returnees", "The Society to Help Returnees to North Korea", "", "JP", K.NATIONAL_NGO, False, ""),
    ("students-alliance-nkhr", "Students Alliance for Human Rights in North Korea", "", "KR", K.NATIONAL_NGO, False, "북한인권학생연대"),
    ("young-defectors-alliance", "Young Defectors' Alliance for North Korean Human Rights", "", "KR", K.SURVIVORS, False, ""),
]  # fmt: skip

DESCRIPTIONS = {
    "amnesty-international": (
        "A worldwide movement of people campaigning for human rights, and one of the three "
        "large international organizations that launched the coalition in Tokyo."
    ),
    "human-rights-watch": (
        "An international organization that investigates and reports on abuses around the "
        "world; a founding member of the coalition."
    ),
    "fidh": (
        "A federation of national human rights leagues from many countries, among the "
        "international organizations that launched the coalition."
    ),
    "free-nk-gulag": (
        "A group of survivors of North Korea's prison camps who give testimony and campaign for "
        "those still held."
    ),
    "life-funds": (
        "A Tokyo-based group that helps refugees from North Korea and speaks for their rights."
    ),
    "open-north-korea": (
        "A Seoul-based organization working to open North Korea to outside information and to "
        "put human rights at the centre of international dealings with it."
    ),
    "hrnk": (
        "A Washington research organization that documents North Korea's prison camps and "
        "other abuses."
    ),
    "people-in-need": (
        "A Czech organization for humanitarian aid and human rights, working in many countries."
    ),
}

# The same in Korean (합니다체 or a noun ending, as a directory writes) and Japanese (です・ます or
# 体言止め), with the words of locale/GLOSSARY.md.
DESCRIPTIONS_KO = {
    "amnesty-international": (
        "인권을 위해 캠페인을 벌이는 사람들의 세계적 운동으로, 도쿄에서 국제연대를 출범시킨 "
        "세 대형 국제단체 가운데 하나입니다."
    ),
    "human-rights-watch": (
        "세계 곳곳의 인권 침해를 조사하고 보고하는 국제단체로, 국제연대의 창립 회원 단체입니다."
    ),
    "fidh": "여러 나라의 인권연맹이 모인 연맹체로, 국제연대를 출범시킨 국제단체 가운데 하나입니다.",
    "free-nk-gulag": (
        "북한 정치범수용소 생존자들의 단체로, 증언 활동을 하며 아직 수용된 이들을 위해 "
        "캠페인을 벌입니다."
    ),
    "life-funds": "도쿄에 본부를 두고 탈북 난민을 돕고 그들의 권리를 대변하는 단체입니다.",
    "open-north-korea": (
        "서울에 본부를 둔 단체로, 북한에 외부 정보가 들어가도록 힘쓰고 국제사회가 북한을 "
        "대할 때 인권을 중심에 두도록 활동합니다."
    ),
    "hrnk": "북한의 정치범수용소와 그 밖의 인권 침해를 기록하는 워싱턴의 연구 단체입니다.",
    "people-in-need": "여러 나라에서 인도적 지원과 인권 활동을 펼치는 체코의 단체입니다.",
}
DESCRIPTIONS_JA = {
    "amnesty-international": (
        "人権のためにキャンペーンを行う人々の世界的な運動で、東京で国際NGO連合を発足させた"
        "三つの大きな国際団体の一つです。"
    ),
    "human-rights-watch": (
        "世界各地の人権侵害を調査し報告する国際団体で、国際NGO連合の創設時からの加盟団体です。"
    ),
    "fidh": "各国の人権連盟が集まる連盟で、国際NGO連合を発足させた国際団体の一つです。",
    "free-nk-gulag": (
        "北朝鮮の政治犯収容所の生存者による団体。証言を続け、今も収容されている人々のために"
        "活動しています。"
    ),
    "life-funds": "東京を拠点に、北朝鮮からの難民を支援し、その権利を訴える団体です。",
    "open-north-korea": (
        "ソウルを拠点とする団体で、北朝鮮に外部の情報を届け、国際社会が北朝鮮と向き合う際に"
        "人権を中心に据えるよう活動しています。"
    ),
    "hrnk": "北朝鮮の政治犯収容所をはじめとする人権侵害を記録する、ワシントンの研究団体です。",
    "people-in-need": "多くの国で人道支援と人権活動を行うチェコの団体です。",
}

# (full name, title or affiliation as the list gives it, country)
SUPPORTERS = [
    ("Yuki Akimoto", "Burmainfo", "JP"),
    ("Tomoharu Ebihara", "", ""),
    (
        "David Hawk",
        "Visiting Scholar, Columbia University, Institute for the Study of Human Rights, "
        "and author of Hidden Gulag",
        "",
    ),
    ("Ken Kato", "Director, Human Rights in Asia", "JP"),
    (
        "Tomoyuki Kawazoe",
        "Kanagawa Association for The Rescue of Japanese Kidnapped by North Korea",
        "JP",
    ),
    ("Suzanne Scholte", "Seoul Peace Prize Recipient & Defense Forum Foundation", "US"),
    ("Dr. Norbert Vollertsen", "", ""),
]

# A few members get a generated logo, so the directory shows both kinds of entry.
LOGOS = {
    "human-rights-watch": "#0f2a44",
    "fidh": "#1d5c8f",
    "free-nk-gulag": "#8c1d17",
    "life-funds": "#2e6b3a",
    "open-north-korea": "#b36b00",
    "nknet": "#4a2c6b",
}


def load(stdout):
    for slug, name, acronym, country, kind, founding, local_name in ORGANIZATIONS:
        organization, created = upsert(
            Organization,
            {"slug": slug},
            {
                "name": name,
                "acronym": acronym,
                "local_name": local_name,
                "country": country,
                "kind": kind,
                "founding_member": founding,
                "member_since": LAUNCH if founding else LISTED,
                "status": MemberStatus.ACTIVE,
                "listing": Listing.NAMED,
                "description_en": DESCRIPTIONS.get(slug, ""),
                "description_ko": DESCRIPTIONS_KO.get(slug, ""),
                "description_ja": DESCRIPTIONS_JA.get(slug, ""),
            },
        )
        if slug in LOGOS and not organization.logo:
            organization.logo.save(f"{slug}.png", ContentFile(logo_png(organization, LOGOS[slug])))
    stdout.write(f"Organizations: {len(ORGANIZATIONS)} up to date.")

    for full_name, affiliation, country in SUPPORTERS:
        upsert(
            Supporter,
            {"full_name": full_name},
            {
                "affiliation": affiliation,
                "country": country,
                "visibility": V.FULL_NAME,
                "consent_visibility": V.FULL_NAME,
                "consent_date": LISTED,
                "consent_means": "Named in the coalition's press release of January 2013",
                "status": MemberStatus.ACTIVE,
                "member_since": LISTED,
            },
        )
    stdout.write(f"Individual supporters: {len(SUPPORTERS)} up to date.")
    load_renewals(stdout)


# Renewal states to look at (members/renewal.py), dated from the day the demo is loaded. The
# two former members are made up for the demo and are not on the reference list.
GRACE_MEMBER = "burma-partnership"
LAPSED_MEMBER = ("seoul-refugee-support-network", "Seoul Refugee Support Network", "KR")
FORMER_MEMBER = ("tokyo-study-group", "Tokyo Study Group on North Korean Human Rights", "JP")


def load_renewals(stdout):
    today = datetime.date.today()
    grace = datetime.timedelta(days=30)  # SiteSettings.grace_days by default
    Organization.objects.filter(slug=GRACE_MEMBER).update(
        renewed_until=today - datetime.timedelta(days=10)
    )
    slug, name, country = LAPSED_MEMBER
    ended = today - datetime.timedelta(days=60)
    upsert(
        Organization,
        {"slug": slug},
        {
            "name": name,
            "country": country,
            "kind": K.NATIONAL_NGO,
            "member_since": datetime.date(2014, ended.month, min(ended.day, 28)),
            "renewed_until": ended,
            "lapse_notice_for": ended,
            "status": MemberStatus.LAPSED,
            "left_on": ended + grace + datetime.timedelta(days=1),
            "listing": Listing.NAMED,
        },
    )
    slug, name, country = FORMER_MEMBER
    upsert(
        Organization,
        {"slug": slug},
        {
            "name": name,
            "country": country,
            "kind": K.ACADEMIC,
            "member_since": LISTED,
            "status": MemberStatus.LEFT,
            "left_on": datetime.date(2022, 6, 30),
            "former_listing_consent_on": datetime.date(2022, 6, 30),
            "listing": Listing.NAMED,
        },
    )
    stdout.write(
        "Renewals: Burma Partnership in its grace period, one member lapsed, one former member "
        "listed."
    )


def logo_png(organization, colour, size=360):
    """A plain square with the organization's initials: a stand-in drawn without the network.

    360 px: three times the 120 px of the organization's page, so a phone shows it sharp there;
    the directory's cards show its copy of 168 px (members/logos.py)."""
    text = organization.acronym or "".join(
        word[0] for word in organization.name.split() if word[0].isupper()
    )
    text = text[:4] or organization.name[:1]
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=size // (2 + len(text) // 2))
    draw.text((size / 2, size / 2), text, fill="white", font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
