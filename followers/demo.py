"""Demo press list: three fictional journalists (example.org addresses, invented outlets), two
on the list and one request waiting on the desk. Idempotent through icnk.demo.upsert."""

from django.utils import timezone

from followers.models import Journalist
from icnk.demo import upsert
from statements.models import Campaign

CONSENT = (
    "I agree that the coalition keeps my name, outlet, email address, languages and beats to "
    "send me press releases, some of them under embargo before publication. I keep embargoes. "
    "I can leave the press list at any time with the link in every press mail."
)

JOURNALISTS = [
    {
        "email": "jordan.sample@example.org",
        "name": "Jordan Sample",
        "outlet": "The Example Times (fictional)",
        "languages": "en",
        "status": Journalist.Status.ACTIVE,
        "source": Journalist.Source.STAFF,
        "consent_means": "Demo data: fictional journalist",
        "beats": ["un-commission-of-inquiry"],
    },
    {
        "email": "kim.gasang@example.org",
        "name": "김가상",
        "outlet": "예시일보 (가상)",
        "languages": "ko,en",
        "status": Journalist.Status.ACTIVE,
        "source": Journalist.Source.STAFF,
        "consent_means": "Demo data: fictional journalist",
        "beats": [],
    },
    {
        "email": "mihon.yamada@example.org",
        "name": "山田見本",
        "outlet": "見本新聞（架空）",
        "languages": "ja,en",
        "status": Journalist.Status.CONFIRMED,
        "source": Journalist.Source.FORM,
        "consent_means": "public form",
        "beats": [],
    },
]


def load(stdout):
    now = timezone.now()
    for data in JOURNALISTS:
        values = {k: v for k, v in data.items() if k not in ("email", "beats")}
        existing = Journalist.objects.filter(email__iexact=data["email"]).first()
        if existing is None:
            values.update(consent_text=CONSENT, consent_at=now, confirmed_at=now)
            if data["status"] == Journalist.Status.ACTIVE:
                values["approved_at"] = now
        else:  # staff may have approved or declined the demo request since: leave it
            values.pop("status")
        journalist, created = upsert(Journalist, {"email": data["email"]}, values)
        if created:
            journalist.beats.set(Campaign.objects.filter(slug__in=data["beats"]))
    stdout.write(f"Press list: {len(JOURNALISTS)} fictional journalists up to date.")
