"""Labels worked out once per language (icnk/labels.py) still follow the reader's language."""

from django.utils import translation

from icnk.labels import choice_label, country_name
from members.models import Organization, OrganizationKind
from members.regions import Region
from statements.models import Statement


def test_a_choice_label_is_in_the_language_of_each_request():
    organization = Organization(kind=OrganizationKind.SURVIVORS, region=Region.ASIA)
    statement = Statement(kind=Statement.Kind.PRESS_RELEASE)
    seen = {}
    # Korean first: a label kept from the first language asked would show here.
    for language in ("ko", "en", "ja", "ko"):
        with translation.override(language):
            seen[language] = (
                organization.get_kind_display(),
                organization.get_region_display(),
                statement.get_kind_display(),
            )
    assert seen["ko"] == ("생존자·피해자 단체", "아시아", "보도자료")
    assert seen["en"] == ("Survivors' and victims' group", "Asia", "Press release")
    assert seen["ja"] == ("被害者・生存者団体", "アジア", "プレスリリース")


def test_a_value_that_is_not_a_choice_is_shown_as_it_is():
    with translation.override("ja"):
        assert choice_label(OrganizationKind, "retired-kind") == "retired-kind"
        assert Organization(kind="retired-kind").get_kind_display() == "retired-kind"


def test_country_names_follow_the_language_and_take_a_country_or_a_code():
    organization = Organization(country="KR")
    with translation.override("ko"):
        assert country_name(organization.country) == "한국"
        assert country_name("JP") == "일본"
    with translation.override("ja"):
        assert country_name(organization.country) == "韓国"
    with translation.override("en"):
        assert country_name("KR") == "South Korea"
        assert country_name("") == ""
        assert country_name(Organization().country) == ""
