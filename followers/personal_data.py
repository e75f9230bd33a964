"""Subscribers in a person's data export and erasure (members/personal_data.py)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from followers.models import Journalist, PressDelivery, Subscriber
from members.personal_data import ERASED_NAME


class SubscriptionRecords:
    key = "subscriptions"
    model = Subscriber
    label = _("subscriptions to statements by email")

    def email_of(self, subscriber):
        return subscriber.email

    def is_verified(self, subscriber):
        # An unconfirmed request may carry anyone's address.
        return subscriber.confirmed_at is not None

    def records(self, emails):
        q = Q(pk__in=[])
        for email in emails:
            q |= Q(email__mailbox=email)
        return list(Subscriber.objects.filter(q).select_related("campaign").order_by("pk"))

    def export(self, records):
        return [
            {
                "email": s.email,
                "language": s.language,
                "campaign": s.campaign.slug if s.campaign else None,
                "status": s.status,
                "requested_at": s.requested_at,
                "confirmed_at": s.confirmed_at,
                "unsubscribed_at": s.unsubscribed_at,
                "refusals": s.bounces,
                "statements_sent": [
                    {
                        "statement": d.announcement.title,
                        "language": d.language,
                        "status": d.status,
                        "sent_at": d.sent_at,
                    }  # fmt: skip
                    for d in s.deliveries.select_related("announcement").order_by("pk")
                ],
            }
            for s in records
        ]

    def erase(self, records, *, user, reason):
        # Deliveries go with the subscription: they hold nothing else about the person.
        Subscriber.objects.filter(pk__in=[s.pk for s in records]).delete()
        for subscriber in records:  # what the action log will name
            subscriber.email = ERASED_NAME


class PressListRecords:
    """A journalist's entry on the press list (and its history)."""

    key = "press_list"
    model = Journalist
    label = _("entries on the press list")

    def email_of(self, journalist):
        return journalist.email

    def is_verified(self, journalist):
        # A request whose address was never confirmed may carry anyone's address; staff add
        # only journalists who agreed, with their address.
        return journalist.confirmed_at is not None or journalist.source == Journalist.Source.STAFF

    def records(self, emails):
        q = Q(pk__in=[])
        for email in emails:
            q |= Q(email__mailbox=email)
        return list(Journalist.objects.filter(q).prefetch_related("beats").order_by("pk"))

    def export(self, records):
        return [
            {
                "name": j.name,
                "outlet": j.outlet,
                "email": j.email,
                "languages": j.language_list(),
                "beats": [c.slug for c in j.beats.all()],
                "status": j.status,
                "added_through": j.source,
                "consent_text": j.consent_text,
                "consent_given_by": j.consent_means,
                "consent_at": j.consent_at,
                "created_at": j.created_at,
                "confirmed_at": j.confirmed_at,
                "approved_at": j.approved_at,
                "declined_at": j.declined_at,
                "left_at": j.left_at,
                "refusals": j.bounces,
                "note": j.note,
                "history": [
                    {
                        "date": h.history_date,
                        "type": h.get_history_type_display(),
                        "status": h.status,
                        "reason": h.history_change_reason or "",
                    }
                    for h in j.history.order_by("history_date", "history_id")
                ],
            }
            for j in records
        ]

    def erase(self, records, *, user, reason):
        from followers.press import erase_journalists

        erase_journalists(records)
        for journalist in records:  # what the action log will name
            journalist.name = ERASED_NAME
            journalist.outlet = ""
            journalist.email = ERASED_NAME


class PressReleasesReceived:
    """The embargoed releases a journalist was sent: which statement, under which embargo, in
    which language, and when it was handed to the mail server; and the notices that followed."""

    key = "press_releases_received"
    model = PressDelivery
    label = _("press releases received under embargo")

    def email_of(self, delivery):
        return delivery.journalist.email

    def is_verified(self, delivery):
        return PressListRecords().is_verified(delivery.journalist)

    def records(self, emails):
        q = Q(pk__in=[])
        for email in emails:
            q |= Q(journalist__email__mailbox=email)
        return list(
            PressDelivery.objects.filter(q)
            .select_related("journalist", "release")
            .prefetch_related("notices")
            .order_by("pk")
        )

    def export(self, records):
        return [
            {
                "statement": d.release.title,
                "embargoed_until": d.release.embargo_until,
                "language": d.language,
                "status": d.status,
                "queued_at": d.created_at,
                "sent_at": d.sent_at,
                # What they were told after it, when its embargo stopped holding.
                "notices": [
                    {
                        "what": n.kind,
                        "new_embargo": n.embargo_until,
                        "status": n.status,
                        "sent_at": n.sent_at,
                    }
                    for n in d.notices.all()
                ],
            }
            for d in records
        ]

    def erase(self, records, *, user, reason):
        # They go with the journalist's entry too (CASCADE), and their notices with them;
        # nothing in them but the pair.
        PressDelivery.objects.filter(pk__in=[d.pk for d in records]).delete()
