"""World regions for grouping members, after the UN M49 continental regions.

Stored on each member when it is saved, so that counts by region are one GROUP BY.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    ASIA = "asia", _("Asia")
    AMERICAS = "americas", _("Americas")
    EUROPE = "europe", _("Europe")
    AFRICA = "africa", _("Africa")
    OCEANIA = "oceania", _("Oceania")
    INTERNATIONAL = "international", _("International")


_CODES = {
    Region.ASIA: (
        "AF AM AZ BH BD BT BN KH CN CY GE HK IN ID IR IQ IL JP JO KZ KP KR KW KG LA LB MO MY MV "
        "MN MM NP OM PK PS PH QA SA SG LK SY TW TJ TH TL TR TM AE UZ VN YE"
    ),
    Region.EUROPE: (
        "AX AL AD AT BY BE BA BG HR CZ DK EE FO FI FR DE GI GR GG VA HU IS IE IM IT JE XK LV LI "
        "LT LU MT MD MC ME NL MK NO PL PT RO RU SM RS SK SI ES SJ SE CH UA GB"
    ),
    Region.AMERICAS: (
        "AI AG AR AW BS BB BZ BM BO BQ BV BR CA KY CL CO CR CU CW DM DO EC SV FK GF GL GD GP GT "
        "GY HT HN JM MQ MX MS NI PA PY PE PR BL KN LC MF PM VC SX GS SR TT TC US UM UY VE VG VI"
    ),
    Region.AFRICA: (
        "DZ AO BJ BW IO BF BI CV CM CF TD KM CG CD CI DJ EG GQ ER SZ ET TF GA GM GH GN GW KE LS "
        "LR LY MG MW ML MR MU YT MA MZ NA NE NG RE RW SH ST SN SC SL SO ZA SS SD TZ TG TN UG EH "
        "ZM ZW"
    ),
    Region.OCEANIA: (
        "AS AU CX CC CK FJ PF GU HM KI MH FM NR NC NZ NU NF MP PW PG PN WS SB TK TO TV VU WF AQ"
    ),
}

REGION_OF_COUNTRY = {code: region for region, codes in _CODES.items() for code in codes.split()}


def region_for(country_code):
    """The region of an ISO 3166 code; international when there is no country."""
    if not country_code:
        return Region.INTERNATIONAL
    return REGION_OF_COUNTRY.get(str(country_code).upper(), Region.INTERNATIONAL)
