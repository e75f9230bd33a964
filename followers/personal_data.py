"""Subscribers in a person's data export and erasure (members/personal_data.py)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from followers.models import Subscriber
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
            q |= Q(email__iexact=email)
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
