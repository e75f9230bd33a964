# ruff: noqa: E501  (Markdown bodies keep one paragraph per line, as editors type them)
"""The demo coalition's campaign and statements, from the reference documents.

Facts (names, places, dates) come from the two source documents; every sentence is our own, in
English, Korean and Japanese. Runs after members.demo, which loads the organizations and people
this module looks up by slug and name. Idempotent through icnk.demo.upsert.
"""

import datetime
import uuid
from zoneinfo import ZoneInfo

from icnk.demo import upsert
from members.models import Organization, Supporter
from statements.models import Campaign, Milestone, PressContact, Signature, Statement

TOKYO = ZoneInfo("Asia/Tokyo")
LAUNCH = datetime.date(2011, 10, 3)
RELEASE_2013 = datetime.date(2013, 1, 28)
KEY_LAUNCH = uuid.UUID("6f1d2a1e-5b1c-4c55-9a51-2011100300e0")
KEY_2013 = uuid.UUID("0b7e3c57-93a2-4d1e-8f0e-2013012800e0")

# The January 2013 list, in its order (slugs as members.demo gives them).
ORGANIZATIONS_2013 = [
    "advocates-international", "amnesty-international", "ajar", "afad", "ahrhaj",
    "burma-partnership", "christian-lawyers-paraguay", "csw", "hrnk", "conectas",
    "council-hrnk-canada", "freedom-house", "free-nk-gulag", "free-north-korea-radio",
    "han-voice", "hh-katacombs", "human-rights-watch", "hrwf",
    "inter-american-christian-lawyers", "fidh", "comjan", "japanese-lawyers-abduction",
    "jubilee-campaign", "justice-for-north-korea", "kontras", "link", "life-funds", "nknet",
    "nk-intellectual-solidarity", "no-fence", "north-korea-freedom-coalition", "odhikar",
    "open-north-korea", "people-in-need", "psalt-nk", "simon-wiesenthal-center",
    "society-returnees", "students-alliance-nkhr", "young-defectors-alliance",
]  # fmt: skip
PEOPLE_2013 = [
    "Yuki Akimoto",
    "Tomoharu Ebihara",
    "David Hawk",
    "Ken Kato",
    "Tomoyuki Kawazoe",
    "Suzanne Scholte",
    "Dr. Norbert Vollertsen",
]

CAMPAIGN = {
    "title_en": "A UN Commission of Inquiry on North Korea",
    "title_ko": "북한 인권 유엔 조사위원회 설립",
    "title_ja": "北朝鮮に関する国連調査委員会の設置",
    "goal_en": (
        "A United Nations Commission of Inquiry to investigate the crimes against humanity "
        "committed in North Korea."
    ),
    "goal_ko": "북한에서 자행되는 반인도범죄를 조사할 유엔 조사위원회의 설립",
    "goal_ja": "北朝鮮で行われている人道に対する罪を調査する国連調査委員会の設置",
    "description_en": (
        "For decades the abuses of the North Korean state went without any international "
        "investigation. The coalition was formed to change that with one demand: that the "
        "United Nations appoint independent experts to establish the facts and name those "
        "responsible.\n\n"
        "Members lobbied governments in Asia, Europe and the Americas, brought survivors' "
        "testimony to diplomats and lawmakers, and worked with the governments that carried "
        "the proposal to the Human Rights Council in Geneva."
    ),
    "description_ko": (
        "수십 년 동안 북한 정권의 인권침해는 국제적인 조사를 한 번도 받지 않았습니다. "
        "국제연대는 이를 바꾸기 위해 하나의 요구를 내걸고 결성되었습니다. 유엔이 독립적인 "
        "전문가를 임명해 사실을 밝히고 책임자를 규명하라는 것입니다.\n\n"
        "회원 단체들은 아시아, 유럽, 미주 각국 정부를 설득하고, 생존자들의 증언을 외교관과 "
        "의원들에게 전했으며, 이 제안을 제네바의 유엔 인권이사회에 제출한 정부들과 협력했습니다."
    ),
    "description_ja": (
        "数十年にわたり、北朝鮮国家による人権侵害は一度も国際的な調査を受けてきませんでした。"
        "連合はこの状況を変えるため、一つの要求を掲げて結成されました。国連が独立した専門家を"
        "任命し、事実を明らかにして責任者を特定することです。\n\n"
        "加盟団体はアジア、ヨーロッパ、南北アメリカの各国政府に働きかけ、生存者の証言を"
        "外交官や議員に届け、この提案をジュネーブの国連人権理事会に提出した政府と協力しました。"
    ),
    "outcome_en": (
        "Achieved: on 21 March 2013 the UN Human Rights Council established a Commission of "
        "Inquiry on human rights in North Korea."
    ),
    "outcome_ko": (
        "목표 달성: 2013년 3월 21일 유엔 인권이사회가 북한 인권 조사위원회를 설립했습니다."
    ),
    "outcome_ja": (
        "目標達成：2013年3月21日、国連人権理事会は北朝鮮の人権に関する調査委員会を設置しました。"
    ),
    "status": Campaign.Status.ACHIEVED,
    "started_on": LAUNCH,
    "ended_on": datetime.date(2013, 3, 21),
    "is_public": True,
}

# (date, statement key, {language: (title, description)})
MILESTONES = [
    (
        datetime.date(2010, 7, 8),
        None,
        {
            "en": (
                "The European Parliament calls for an inquiry",
                "A resolution of the European Parliament condemns the serious and systematic "
                "abuses the North Korean government commits against its own people and asks "
                "for a UN Commission of Inquiry.",
            ),
            "ko": (
                "유럽의회, 조사위원회 설립 촉구",
                "유럽의회가 결의안을 채택해 북한 정부가 자국민에게 자행하는 심각하고 체계적인 "
                "인권침해를 규탄하고, 유엔 조사위원회 설립을 요구했습니다.",
            ),
            "ja": (
                "欧州議会が調査委員会の設置を要求",
                "欧州議会は決議を採択し、北朝鮮政府が自国民に対して行っている深刻かつ組織的な"
                "人権侵害を非難するとともに、国連調査委員会の設置を求めました。",
            ),
        },
    ),
    (
        LAUNCH,
        KEY_LAUNCH,
        {
            "en": (
                "The coalition is launched in Tokyo",
                "More than forty organizations, Amnesty International, Human Rights Watch and "
                "FIDH among them, found the coalition at the close of a two-day conference in "
                "Tokyo.",
            ),
            "ko": (
                "국제연대, 도쿄에서 출범",
                "국제앰네스티, 휴먼라이츠워치, 국제인권연맹(FIDH)을 비롯한 40여 개 단체가 "
                "도쿄에서 열린 이틀간의 국제회의를 마무리하며 국제연대를 출범시켰습니다.",
            ),
            "ja": (
                "国際NGO連合が東京で発足",
                "アムネスティ・インターナショナル、ヒューマン・ライツ・ウォッチ、国際人権連盟"
                "（FIDH）をはじめとする40以上の団体が、東京で開かれた2日間の国際会議を"
                "締めくくり、連合を発足させました。",
            ),
        },
    ),
    (
        datetime.date(2013, 1, 14),
        None,
        {
            "en": (
                "The UN High Commissioner for Human Rights calls for an inquiry",
                "Navi Pillay asks for a full international inquiry into serious crimes in "
                "North Korea, which she counts among the gravest and least reported human "
                "rights situations anywhere.",
            ),
            "ko": (
                "유엔 인권최고대표, 국제 조사 촉구",
                "나비 필레이 유엔 인권최고대표가 북한에서 벌어지는 중대한 범죄에 대해 본격적인 "
                "국제 조사를 요구했습니다. 그는 북한의 상황을 세계에서 가장 심각하면서도 가장 "
                "덜 알려진 인권 상황 가운데 하나로 꼽았습니다.",
            ),
            "ja": (
                "国連人権高等弁務官が国際調査を要請",
                "ナビ・ピレイ国連人権高等弁務官は、北朝鮮で行われている重大な犯罪について本格的な"
                "国際調査を求めました。ピレイ氏は北朝鮮の状況を、世界で最も深刻でありながら"
                "最も知られていない人権状況の一つと位置づけています。",
            ),
        },
    ),
    (
        datetime.date(2013, 1, 25),
        KEY_2013,
        {
            "en": (
                "Japan decides to seek a Commission of Inquiry",
                "At a meeting of its Headquarters for the Abduction Issue with the whole "
                "Cabinet, the Japanese government resolves to negotiate with other governments "
                "for a commission of inquiry in the Human Rights Council's resolution on North "
                "Korea.",
            ),
            "ko": (
                "일본 정부, 조사위원회 설립 추진 결정",
                "일본 정부는 전 각료가 참석한 납치문제대책본부 회의에서, 유엔 인권이사회의 북한 "
                "결의안에 조사위원회 설립이 포함되도록 각국 정부와 교섭하기로 결정했습니다.",
            ),
            "ja": (
                "日本政府が調査委員会の設置を目指す方針を決定",
                "日本政府は全閣僚が出席した拉致問題対策本部の会合で、国連人権理事会の北朝鮮決議に"
                "調査委員会の設置を盛り込むよう、各国政府との交渉を始めることを確認しました。",
            ),
        },
    ),
    (
        datetime.date(2013, 2, 25),
        None,
        {
            "en": (
                "The Human Rights Council's 22nd session opens in Geneva",
                "Governments meet in Geneva for the session at which the resolution on North "
                "Korea is negotiated and put to the Council.",
            ),
            "ko": (
                "유엔 인권이사회 제22차 회기 개막",
                "북한 결의안을 협상하고 표결에 부칠 유엔 인권이사회 제22차 회기가 제네바에서 "
                "시작되었습니다.",
            ),
            "ja": (
                "国連人権理事会第22会期が開幕",
                "北朝鮮決議の交渉と採択が行われる国連人権理事会の第22会期が、ジュネーブで"
                "始まりました。",
            ),
        },
    ),
    (
        datetime.date(2013, 3, 21),
        None,
        {
            "en": (
                "The Council establishes the Commission of Inquiry",
                "The Human Rights Council adopts a resolution setting up a Commission of "
                "Inquiry on human rights in North Korea: what the coalition had asked for "
                "since its launch.",
            ),
            "ko": (
                "인권이사회, 조사위원회 설립",
                "유엔 인권이사회가 결의안을 채택해 북한 인권 조사위원회를 설립했습니다. "
                "국제연대가 출범 때부터 요구해 온 목표가 이루어졌습니다.",
            ),
            "ja": (
                "人権理事会が調査委員会を設置",
                "国連人権理事会は決議を採択し、北朝鮮の人権に関する調査委員会を設置しました。"
                "連合が発足以来求めてきた目標が実現しました。",
            ),
        },
    ),
]

LAUNCH_STATEMENT = {
    "en": {
        "slug": "coalition-launched-in-tokyo",
        "dateline": "Tokyo",
        "title": (
            "Global coalition launched in Tokyo to seek a UN inquiry into crimes against "
            "humanity in North Korea"
        ),
        "summary": (
            "More than forty human rights organizations from Asia, the Americas and Europe, "
            "with Amnesty International, Human Rights Watch and FIDH, join forces to ask the "
            "United Nations for a Commission of Inquiry."
        ),
        "body": """\
Human rights organizations from every continent today formed the International Coalition to Stop Crimes against Humanity in North Korea (ICNK). They share one demand: that the United Nations set up a Commission of Inquiry into the crimes against humanity committed by the North Korean government.

The coalition brings together the three largest international human rights organizations, Amnesty International, Human Rights Watch and the International Federation for Human Rights (FIDH), with groups such as Christian Solidarity Worldwide, Jubilee Campaign, People In Need, Freedom House and the Committee for Human Rights in North Korea. Organizations from the global South have joined too, among them KontraS in Indonesia, Odhikar in Bangladesh, Conectas in Brazil and the Inter-American Federation of Christian Lawyers. Survivors of the North Korean prison camps and their associations, Free NK Gulag among them, are members as well.

## Two days of testimony in Tokyo

The launch closes a two-day conference in Tokyo on crimes against humanity in North Korea, attended by human rights defenders, former prisoners of the camps, diplomats and members of the Japanese Diet and of the South Korean National Assembly. Former South Korean President Kim Young Sam addressed the conference by video. Three survivors of the camps and relatives of Japanese citizens abducted by North Korea gave testimony, and Hiroshi Nakai, a former Minister of State for the Abduction Issue, spoke.

## Why a Commission of Inquiry

Vitit Muntarbhorn, the former UN Special Rapporteur on North Korea, ended his mandate by urging the international community to bring the whole UN system to bear on accountability and to put an end to impunity. On 8 July 2010 the European Parliament adopted a resolution asking for a Commission of Inquiry. The coalition will now press UN member states to write one into the next annual UN resolution on North Korea.

## What the coalition stands for

- It unites international human rights organizations, campaigners for freedom in North Korea and survivors of its camps in one campaign for a UN Commission of Inquiry.
- Acting together, its members carry more weight with governments and the public than any of them alone, and send the regime a clear message.
- Every member keeps its own identity and its own ways of working; the call for an inquiry is what they share.
- It is open to organizations and individuals from across Asia, North America, Latin America and Europe.
""",
    },
    "ko": {
        "slug": "국제연대-도쿄-출범",
        "dateline": "도쿄",
        "title": "북한 반인도범죄에 대한 유엔 조사를 요구하는 국제연대, 도쿄에서 출범",
        "summary": (
            "국제앰네스티, 휴먼라이츠워치, 국제인권연맹(FIDH)을 비롯해 아시아, 미주, 유럽의 "
            "40여 개 인권단체가 유엔 조사위원회 설립을 요구하며 힘을 모았습니다."
        ),
        "body": """\
세계 각지의 인권단체들이 오늘 북한반인도범죄철폐국제연대(ICNK)를 결성했습니다. 이들의 요구는 단 하나, 북한 정부가 저지르는 반인도범죄를 조사할 유엔 조사위원회를 설립하라는 것입니다.

국제연대에는 세계 3대 국제인권단체인 국제앰네스티, 휴먼라이츠워치, 국제인권연맹(FIDH)을 비롯해 크리스천 솔리대리티 월드와이드(CSW), 주빌리 캠페인, 피플 인 니드, 프리덤하우스, 미국 북한인권위원회(HRNK) 등이 참여합니다. 인도네시아의 콘트라스(KontraS), 방글라데시의 오디카르(Odhikar), 브라질의 코넥타스(Conectas), 미주기독교법률가연맹 등 남반구의 단체들도 함께합니다. 북한 정치범수용소 생존자들과 Free NK Gulag을 비롯한 생존자 단체들도 회원으로 참여합니다.

## 도쿄에서 이틀간 이어진 증언

출범식은 북한의 반인도범죄를 주제로 도쿄에서 이틀 동안 열린 국제회의를 마무리하며 열렸습니다. 회의에는 인권활동가, 정치범수용소 출신 생존자, 외교관, 그리고 일본 국회와 한국 국회의 의원들이 참석했습니다. 김영삼 전 대통령이 영상 메시지를 보냈고, 수용소 생존자 세 명과 북한에 납치된 일본인의 가족들이 증언했습니다. 나카이 히로시 전 납치문제담당상도 연설했습니다.

## 왜 조사위원회인가

비팃 문타폰 전 유엔 북한인권특별보고관은 임기를 마치며, 유엔 전체가 나서서 책임을 규명하고 불처벌을 끝내야 한다고 국제사회에 촉구했습니다. 유럽의회도 2010년 7월 8일 결의안을 채택해 조사위원회 설립을 요구했습니다. 국제연대는 앞으로 유엔 회원국들이 다음 유엔 북한인권 결의안에 조사위원회 설립을 담도록 촉구해 나갈 것입니다.

## 국제연대가 지향하는 것

- 국제인권단체, 북한의 자유를 위해 활동하는 단체, 수용소 생존자들을 유엔 조사위원회 설립이라는 하나의 캠페인으로 모읍니다.
- 함께 행동함으로써 각국 정부와 여론에 더 큰 영향력을 발휘하고, 북한 정권에 분명한 메시지를 보냅니다.
- 모든 회원은 각자의 정체성과 활동 방식을 그대로 유지하며, 조사위원회 설립이라는 공동의 요구로 하나가 됩니다.
- 아시아, 북미, 중남미, 유럽의 단체와 개인 누구에게나 열려 있습니다.
""",
    },
    "ja": {
        "slug": "国際NGO連合が東京で発足",
        "dateline": "東京",
        "title": "北朝鮮の人道に対する罪の国連調査を求める国際NGO連合、東京で発足",
        "summary": (
            "アムネスティ・インターナショナル、ヒューマン・ライツ・ウォッチ、国際人権連盟"
            "（FIDH）をはじめ、アジア、南北アメリカ、ヨーロッパの40を超える人権団体が、"
            "国連調査委員会の設置を求めて結集しました。"
        ),
        "body": """\
世界各地の人権団体は本日、「北朝鮮における人道に対する罪を止める国際NGO連合（ICNK）」を結成しました。その要求はただ一つ、北朝鮮政府による人道に対する罪を調査する国連調査委員会の設置です。

連合には、世界三大国際人権団体であるアムネスティ・インターナショナル、ヒューマン・ライツ・ウォッチ、国際人権連盟（FIDH）のほか、クリスチャン・ソリダリティー・ワールドワイド（CSW）、ジュビリー・キャンペーン、ピープル・イン・ニード、フリーダム・ハウス、米国の北朝鮮人権委員会（HRNK）などが参加しています。インドネシアのコントラス（KontraS）、バングラデシュのオディカル（Odhikar）、ブラジルのコネクタス（Conectas）、米州キリスト教法律家連盟など、南の国々の団体も加わりました。北朝鮮の政治犯収容所の生存者や、Free NK Gulag をはじめとする生存者団体も参加しています。

## 東京での二日間の証言

発足は、北朝鮮における人道に対する罪をテーマに東京で二日間にわたって開かれた国際会議の締めくくりとなりました。会議には人権活動家、政治犯収容所の元収容者、外交官、そして日本の国会議員と韓国の国会議員が参加しました。金泳三元韓国大統領がビデオメッセージを寄せ、収容所の生存者3人と北朝鮮に拉致された日本人の家族が証言しました。中井洽元拉致問題担当大臣も講演しました。

## なぜ調査委員会なのか

ウィティット・ムンタボーン前国連北朝鮮人権状況特別報告者は、任期を終えるにあたり、国連全体で責任の追及に取り組み、不処罰に終止符を打つよう国際社会に求めました。欧州議会も2010年7月8日、調査委員会の設置を求める決議を採択しています。連合は今後、次の国連北朝鮮人権決議に調査委員会の設置を盛り込むよう、国連加盟国に働きかけていきます。

## 連合がめざすもの

- 国際人権団体、北朝鮮の自由を求めて活動する団体、そして収容所の生存者を、国連調査委員会の設置という一つのキャンペーンに結集します。
- 共に行動することで、各国政府や世論への影響力を高め、北朝鮮政権に明確なメッセージを送ります。
- メンバーはそれぞれの独自性と活動方法を保ちながら、調査委員会の設置という共通の要求で一つになります。
- アジア、北米、中南米、ヨーロッパの団体と個人に広く開かれています。
""",
    },
}

STATEMENT_2013 = {
    "en": {
        "slug": "coalition-welcomes-japans-call-for-an-inquiry",
        "dateline": "Tokyo",
        "title": "Coalition welcomes Japan's push for a UN commission of inquiry on North Korea",
        "summary": (
            "ICNK, over forty human rights organizations and activists, welcomes the Japanese "
            "government's decision to seek a new UN commission of inquiry into grave violations "
            "by North Korea, and asks the Human Rights Council to support it."
        ),
        "body": """\
The International Coalition to Stop Crimes against Humanity in North Korea (ICNK) welcomes the firm stand Japan has taken for a new United Nations commission of inquiry into the serious human rights violations committed by the North Korean government, inside the country and beyond its borders.

On 25 January, at a meeting of the Headquarters for the Abduction Issue attended by the whole Cabinet, the Japanese government confirmed that it will open negotiations with other governments so that the resolution on North Korea before the UN Human Rights Council includes a commission of inquiry. The Council meets in Geneva for its 22nd session from 25 February 2013.

Kanae Doi, Japan Director of Human Rights Watch, praised the government's leadership on behalf of the victims and urged it to set to work now persuading the European Union, the United States and others that the inquiry cannot wait.

## A call that keeps growing

Japan's decision follows the appeal of the UN High Commissioner for Human Rights, Navi Pillay, who on 14 January 2013 asked for a full international inquiry into serious crimes in North Korea, a situation she counts among the gravest and least reported anywhere. The coalition urges the members of the Human Rights Council to answer Japan's initiative and to act together to expose and end the suffering of the victims.

## What an inquiry would do

A commission would be led by independent experts of high standing and would examine in depth the systematic violations in North Korea, crimes against humanity included: the political prison camps, where some 200,000 people are believed to be held arbitrarily, and the abduction of hundreds of people from South Korea, Japan and other countries. Testimony from people who have escaped North Korea would be central to its work, since anyone who speaks out from inside the country risks reprisals.

Human Rights Watch has published answers to common questions about how such a commission works, in English, Korean and Japanese.

Hiroshi Kato, Representative of Life Funds for North Korean Refugees, said that North Koreans have suffered alone for too long, far down the agenda of governments dealing with Pyongyang, and that an international inquiry would bring their plight, and that of foreigners held in the country against their will, into the light.
""",
    },
    "ko": {
        "slug": "일본-정부-조사위원회-결정-환영",
        "dateline": "도쿄",
        "title": "국제연대, 북한인권 유엔 조사위원회 설립을 추진하는 일본 정부의 결정 환영",
        "summary": (
            "40여 개 인권단체와 활동가로 이루어진 북한반인도범죄철폐국제연대(ICNK)는 북한의 "
            "중대한 인권침해를 조사할 새로운 유엔 조사위원회 설립을 추진하기로 한 일본 정부의 "
            "결정을 환영하며, 유엔 인권이사회가 이에 호응할 것을 촉구합니다."
        ),
        "body": """\
북한반인도범죄철폐국제연대(ICNK)는 북한 정부가 국내외에서 자행한 심각한 인권침해를 조사할 새로운 유엔 조사위원회 설립에 대해 일본 정부가 확고한 입장을 밝힌 것을 환영합니다.

일본 정부는 1월 25일 전 각료가 참석한 납치문제대책본부 회의에서, 유엔 인권이사회에 상정될 북한 결의안에 조사위원회 설립이 포함되도록 각국 정부와 교섭을 시작하겠다고 확인했습니다. 인권이사회 제22차 회기는 2013년 2월 25일부터 제네바에서 열립니다.

휴먼라이츠워치의 도이 가나에 일본 대표는 피해자들을 위한 정의를 요구하는 일본 정부의 지도력을 높이 평가하면서, 이제 일본 정부가 유럽연합과 미국 등 각국 정부를 설득해 조사위원회가 지체 없이 설립되도록 힘써야 한다고 강조했습니다.

## 커지는 국제사회의 목소리

일본 정부의 결정은 나비 필레이 유엔 인권최고대표가 2013년 1월 14일 북한에서 벌어지는 중대한 범죄에 대한 본격적인 국제 조사를 요구한 데 이은 것입니다. 필레이 최고대표는 북한의 상황을 세계에서 가장 심각하면서도 가장 덜 알려진 인권 상황 가운데 하나로 꼽았습니다. 국제연대는 인권이사회 이사국들이 일본의 제안에 적극 호응하고, 피해자들의 고통을 세상에 알리고 끝내기 위해 힘을 모을 것을 촉구합니다.

## 조사위원회가 할 일

조사위원회가 설립되면 명망 있는 독립 전문가들이 반인도범죄를 포함한 북한의 체계적이고 심각한 인권침해를 심층 조사하게 됩니다. 약 20만 명이 자의적으로 구금된 것으로 추정되는 정치범수용소, 그리고 한국과 일본 등 여러 나라에서 수백 명이 납치된 문제가 조사 대상입니다. 북한 안에서 피해를 호소하는 사람은 보복을 당할 위험이 크기 때문에, 북한을 탈출한 피해자들의 증언이 조사의 중심이 될 것입니다.

휴먼라이츠워치는 조사위원회의 역할과 운영 방식에 관한 질의응답 자료를 영어, 한국어, 일본어로 펴냈습니다.

북한난민구원기금의 가토 히로시 대표는 북한 주민들이 너무 오랫동안 고립 속에서 고통받아 왔고, 평양을 상대하는 국제사회의 의제에서도 늘 뒤로 밀려 왔다고 지적했습니다. 그는 국제 조사위원회가 북한 주민들과 자신의 뜻에 반해 북한에 붙잡혀 있는 외국인들의 처지를 세상에 드러낼 것이라고 말했습니다.
""",
    },
    "ja": {
        "slug": "日本政府の決定を歓迎",
        "dateline": "東京",
        "title": "国際NGO連合、北朝鮮に関する国連調査委員会の設置を目指す日本政府の決定を歓迎",
        "summary": (
            "40を超える人権団体と活動家でつくる「北朝鮮における人道に対する罪を止める国際NGO連合」"
            "（ICNK）は、北朝鮮による重大な人権侵害を調査する新たな国連調査委員会の設置を目指す"
            "日本政府の決定を歓迎し、国連人権理事会に支持を呼びかけます。"
        ),
        "body": """\
北朝鮮における人道に対する罪を止める国際NGO連合（ICNK）は、北朝鮮政府が国内外で行ってきた深刻な人権侵害を調査する新たな国連調査委員会の設置について、日本政府が明確な姿勢を示したことを歓迎します。

日本政府は1月25日、全閣僚が出席した拉致問題対策本部の会合で、国連人権理事会で審議される北朝鮮決議に調査委員会の設置を盛り込むよう、各国政府との交渉を始めることを確認しました。人権理事会の第22会期は、2013年2月25日からジュネーブで開かれます。

ヒューマン・ライツ・ウォッチの土井香苗日本代表は、被害者のための正義を求める日本政府の指導力を高く評価するとともに、調査委員会を一刻も早く設置するため、今こそ欧州連合（EU）や米国をはじめとする各国政府の説得に取り組むべきだと訴えました。

## 広がる国際社会の声

日本政府の決定に先立ち、ナビ・ピレイ国連人権高等弁務官は2013年1月14日、北朝鮮で行われている重大な犯罪について本格的な国際調査を求めました。ピレイ氏は北朝鮮の状況を、世界で最も深刻でありながら最も知られていない人権状況の一つと位置づけています。連合は、人権理事会の理事国が日本の提案に前向きに応え、被害者の苦しみを明らかにし、終わらせるために力を合わせるよう求めます。

## 調査委員会が果たす役割

調査委員会が設置されれば、高い見識を持つ独立した専門家が、人道に対する罪を含む北朝鮮の組織的かつ深刻な人権侵害を詳しく調査することになります。推定20万人が恣意的に拘禁されている政治犯収容所や、韓国、日本などから数百人が拉致された問題がその対象です。北朝鮮国内から被害を訴える人は報復を受けるおそれがあるため、北朝鮮を脱出した被害者の証言が調査の中心となると見込まれます。

ヒューマン・ライツ・ウォッチは、調査委員会の役割と運営についてよくある質問に答える資料を、英語、韓国語、日本語で公開しています。

北朝鮮難民救援基金の加藤博代表は、北朝鮮の人々はあまりにも長い間、孤立の中で苦しみ、平壌と向き合う国際社会の議題でも後回しにされてきたと指摘しました。そして、国際的な調査委員会は、北朝鮮の人々と、意に反して北朝鮮にとどめ置かれている外国人の窮状に光を当てるだろうと述べました。
""",
    },
}

PRESS_CONTACTS_2013 = {
    "en": ("ICNK secretariat", "Tokyo"),
    "ko": ("ICNK 사무국", "도쿄"),
    "ja": ("ICNK事務局", "東京"),
}


def load(stdout):
    campaign, _created = upsert(Campaign, {"slug": "un-commission-of-inquiry"}, CAMPAIGN)
    for date, key, texts in MILESTONES:
        values = {"statement_key": key}
        for code, (title, description) in texts.items():
            values[f"title_{code}"] = title
            values[f"description_{code}"] = description
        upsert(Milestone, {"campaign": campaign, "date": date}, values)
    stdout.write(f"Campaign: {campaign.title_en}, {len(MILESTONES)} milestones up to date.")

    launch = _statement(
        LAUNCH_STATEMENT,
        key=KEY_LAUNCH,
        kind=Statement.Kind.JOINT_STATEMENT,
        published_at=datetime.datetime(2011, 10, 3, 11, 0, tzinfo=TOKYO),
        campaign=campaign,
    )
    founders = list(Organization.objects.filter(founding_member=True).order_by("name"))
    _sign(launch, founders, [], LAUNCH, stdout)

    release = _statement(
        STATEMENT_2013,
        key=KEY_2013,
        kind=Statement.Kind.PRESS_RELEASE,
        published_at=datetime.datetime(2013, 1, 28, 11, 0, tzinfo=TOKYO),
        campaign=campaign,
    )
    by_slug = Organization.objects.in_bulk(ORGANIZATIONS_2013, field_name="slug")
    missing = [slug for slug in ORGANIZATIONS_2013 if slug not in by_slug]
    people = {s.full_name: s for s in Supporter.objects.filter(full_name__in=PEOPLE_2013)}
    missing += [name for name in PEOPLE_2013 if name not in people]
    if missing:
        stdout.write(f"Not found, so not signed (run members.demo first): {', '.join(missing)}")
    organizations = [by_slug[slug] for slug in ORGANIZATIONS_2013 if slug in by_slug]
    supporters = [people[name] for name in PEOPLE_2013 if name in people]
    _sign(release, organizations, supporters, RELEASE_2013, stdout)

    for statement in Statement.objects.versions_of(release):
        name, role = PRESS_CONTACTS_2013[statement.language]
        upsert(
            PressContact,
            {"statement": statement, "order": 1},
            {
                "name": name,
                "role": role,
                "contact": "secretariat@icnk.example.org",
                "contact_is_public": True,
            },
        )


def _statement(versions, *, key, kind, published_at, campaign):
    """The original in English and its Korean and Japanese translations."""
    source = None
    for language in ("en", "ko", "ja"):
        text = versions[language]
        values = {
            "slug": text["slug"],
            "title": text["title"],
            "summary": text["summary"],
            "body": text["body"],
            "dateline": text["dateline"],
            "kind": kind,
            "status": Statement.Status.PUBLISHED,
            "published_at": published_at,
            "campaign": campaign,
            "translation_of": source,
        }
        statement, _created = upsert(
            Statement, {"translation_key": key, "language": language}, values
        )
        source = source or statement
    return source


def _sign(statement, organizations, supporters, signed_on, stdout):
    order = 0
    for organization in organizations:
        order += 1
        upsert(
            Signature,
            {"statement": statement, "organization": organization},
            {
                "order": order,
                "name_at_signing": organization.display_name,
                "local_name_at_signing": organization.local_name,
                "signed_on": signed_on,
            },
        )
    for supporter in supporters:
        order += 1
        upsert(
            Signature,
            {"statement": statement, "supporter": supporter},
            {"order": order, "signed_on": signed_on},
        )
    stdout.write(f"“{statement.title}”: {order} signatures up to date.")
