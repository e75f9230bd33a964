"""A person's right to see and to remove what the coalition stores about them.

A person reaches us as an individual supporter, as the contact of a member organization, or as
someone who asked to join; often as several of these under one email address. Both functions
start from any one of those records and gather the others through the links between them (a
join request points at the member it created) and through an email address verified on both
(see `Person`).

`personal_data_export` returns everything stored about the person as plain JSON-ready data:
the records' fields, their join requests, the statements they signed, every history row of
those records, their answers on sign-on pages and the mail the site sent them.

`personal_data_erase` anonymizes the person everywhere at once, in one transaction:

- an individual supporter's name, display name, affiliation, country, email, phone, notes and
  consent details, in the row and in every one of its history rows; visibility becomes
  "hidden"; the desk's reasons on their requests to be shown less privately;
- an organization's contact person, email, phone and private notes, in the row and its history
  (the organization itself stays: it is a public body, not a person);
- their join requests, row and history, and the logo files they uploaded;
- the mail the site queued or sent to them; the secretariat's notices of their requests to
  join; their name, address and phone in other mail about them sent to others, and in the
  admin's action log;
- every stored session that holds their address or name (a join applicant's), or the
  digest of their address (the members' area's).
- the comments an individual supporter wrote on sign-on pages (the drives app blanks them
  when the person is saved erased); their name, address and phone in other comments there,
  such as those an organization's contact wrote for it.

`join_request_erase` does the same for one request to join alone, without gathering the other
records of the address: the purge of stale requests (`members.services.join_requests_purge`)
runs it, so that what the privacy page promises holds for both.

How an erased signatory shows on the statements they signed: the signature row stays, so that
the record of who signed stays whole for staff, but an erased individual is "hidden", whose
`Supporter.public_name` is empty, so they are neither named nor counted on any statement, old or
new, exactly like a supporter who never agreed to be shown. An organization's signature keeps
its `name_at_signing`: organizations are public bodies and erasing their contact person does
not erase the organization.

Each export and erasure is written to the admin's action log (LogEntry) with who did it.
"""

import json
import logging
import re
from importlib import import_module

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone

from icnk import cache as page_cache
from icnk.audit import record_change
from icnk.models import OutboundEmail
from members.area import email_digest
from members.models import (
    ORGANIZATION_CONTACT_FIELDS,
    VERIFIED_REQUEST,
    ContactHandover,
    JoinRequest,
    MemberSignInLink,
    Organization,
    ProfileChange,
    Supporter,
    Visibility,
)

logger = logging.getLogger(__name__)

# What an erased person's name becomes: the row needs a name, and this one names nobody.
ERASED_NAME = "(erased)"

SUPPORTER_ERASED_VALUES = {
    "full_name": ERASED_NAME,
    "display_name": "",
    "affiliation": "",
    "affiliation_ko": "",
    "affiliation_ja": "",
    "country": "",
    "email": "",
    "phone": "",
    "private_notes": "",
    "consent_means": "",
    "consent_date": None,
    "visibility": Visibility.HIDDEN,
}
ORGANIZATION_CONTACT_ERASED_VALUES = dict.fromkeys(ORGANIZATION_CONTACT_FIELDS, "")
JOIN_REQUEST_PERSONAL_FIELDS = [
    "name",
    "local_name",
    "email",
    "website",
    "description",
    "contact_name",
    "contact_role",
    "phone",
    "support_statement",
    "display_name",
    "affiliation",
    "rejection_reason",
]
JOIN_REQUEST_ERASED_VALUES = {
    **dict.fromkeys(JOIN_REQUEST_PERSONAL_FIELDS, ""),
    "name": ERASED_NAME,
    "country": "",
    "logo": "",
}


# Other apps keep records of a person under an email address (a follower's subscription). Each
# registers a source here in its AppConfig.ready(), an object with: `key` (its section in the
# export), `model` and `label`, `email_of(obj)` and `is_verified(obj)` (for its own rows as the
# subject of an action), `records(emails)`, `export(records)` and `erase(records, user=,
# reason=)`. Its records are gathered, exported and erased with the rest of the person's.
_sources = []


def register_source(source):
    if all(s.key != source.key for s in _sources):
        _sources.append(source)


def _source_for(subject):
    return next((s for s in _sources if isinstance(subject, s.model)), None)


class Person:
    """Every record that belongs to one person, gathered from any one of them.

    Records are linked through an email address only where that address is verified on both:
    the secretariat's own records (a supporter's email, an organization's contact email) and
    requests to join whose applicant followed the link we mailed. An unverified request may
    carry anyone's address, so it neither pulls the address owner's records into an export or
    erasure, nor is pulled into theirs. A verified person's erasure still removes the
    unverified requests that use their address (`unverified_requests`): the address is theirs.

    With `gather=False`, only `subject` itself (a purge erases one stale request, not the
    member who may have joined later from the same address).
    """

    def __init__(self, subject, *, gather=True):
        self.subject = subject
        emails = set()
        supporter_q = Q(pk__in=[])
        organization_q = Q(pk__in=[])
        request_q = Q(pk__in=[])
        if isinstance(subject, Supporter):
            emails.add(subject.email)
            supporter_q |= Q(pk=subject.pk)
            if gather:
                request_q |= Q(supporter=subject)
        elif isinstance(subject, Organization):
            emails.add(subject.contact_email)
            organization_q |= Q(pk=subject.pk)
        elif isinstance(subject, JoinRequest):
            emails.add(subject.email)
            request_q |= Q(pk=subject.pk)
            if subject.supporter_id and gather:
                supporter_q |= Q(pk=subject.supporter_id)
        elif (source := _source_for(subject)) is not None:
            emails.add(source.email_of(subject))
        else:
            raise TypeError(f"no personal data is gathered from {type(subject).__name__}")
        # A blank address matches nobody (it would match everyone without one).
        self.emails = sorted({e.strip().lower() for e in emails if e and e.strip()})
        verified = not isinstance(subject, JoinRequest) or subject.email_verified
        if (source := _source_for(subject)) is not None:
            verified = source.is_verified(subject)
        by_email = Q(pk__in=[])
        for email in self.emails if gather and verified else ():
            supporter_q |= Q(email__mailbox=email)
            organization_q |= Q(contact_email__mailbox=email)
            request_q |= Q(email__mailbox=email) & VERIFIED_REQUEST
            by_email |= Q(email__mailbox=email)
        self.supporters = self._load(Supporter, supporter_q)
        # A supporter's earlier addresses (the desk corrected one): mail about them went
        # there too. They gather no other record: nothing proved them to be this person's.
        self.former_emails = sorted(
            {
                e.strip().lower()
                for e in Supporter.history.filter(
                    id__in=[s.pk for s in self.supporters]
                ).values_list("email", flat=True)
                if e and e.strip()
            }
            - set(self.emails)
        )
        self.organizations = self._load(Organization, organization_q)
        self.join_requests = self._load(JoinRequest, request_q)
        self.unverified_requests = list(
            JoinRequest.objects.filter(by_email)
            .exclude(VERIFIED_REQUEST)
            .exclude(pk__in=[r.pk for r in self.join_requests])
            .order_by("pk")
        )
        # Other apps' records under the person's addresses (all of them for a verified person;
        # only the subject itself for an unverified one).
        self.other_records = {}
        for source in _sources:
            found = source.records(self.emails) if gather and verified else []
            if isinstance(subject, source.model):
                found = [subject, *(r for r in found if r.pk != subject.pk)]
            self.other_records[source] = found

    def _load(self, model, q):
        """The matching rows, with the caller's own instance in place of its row."""
        subject = self.subject
        return [
            subject if isinstance(subject, model) and obj.pk == subject.pk else obj
            for obj in model.objects.filter(q).order_by("pk")
        ]

    def records(self, *, erasing=False):
        """What an export (or, with `erasing`, an erasure) covers, for the confirmation page."""
        records = [*self.supporters, *self.organizations, *self.join_requests]
        records += [r for found in self.other_records.values() for r in found]
        return [*records, *self.unverified_requests] if erasing else records

    def mail(self):
        """Mail sent to the person's addresses, but not to one that a record outside this
        person holds (an unverified request's address may be someone else's)."""
        held_emails, _names = self.held_by_others()
        q = Q(pk__in=[])
        for email in {*self.emails, *self.former_emails} - held_emails:
            q |= Q(to__mailbox=email)
        return OutboundEmail.objects.filter(q).order_by("pk")

    def held_by_others(self):
        """The person's addresses that a record outside this person still holds (someone
        who joined later from the address of a purged request), and the names on those
        records: both stay, in their mail and in the action log."""
        emails, names = set(), set()
        requests = [*self.join_requests, *self.unverified_requests]
        for email in [*self.emails, *self.former_emails]:
            others = [
                Supporter.objects.filter(email__mailbox=email)
                .exclude(pk__in=[s.pk for s in self.supporters])
                .values_list("full_name", "display_name"),
                Organization.objects.filter(contact_email__mailbox=email)
                .exclude(pk__in=[o.pk for o in self.organizations])
                .values_list("name", "contact_name"),
                JoinRequest.objects.filter(email__mailbox=email)
                .exclude(pk__in=[r.pk for r in requests])
                .values_list("name", "local_name", "display_name", "contact_name"),
            ]
            for rows in others:
                for row in rows:
                    emails.add(email)
                    names.update(row)
        return emails, _scrubbed(names)


# ---------------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------------


def _value(field, obj):
    value = field.value_from_object(obj)
    if isinstance(value, FieldFile):
        return value.name or ""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    try:
        return DjangoJSONEncoder().default(value)  # dates, times, UUIDs
    except TypeError:
        return str(value)  # a country


def _fields(obj, *, only=None):
    return {
        field.name: _value(field, obj)
        for field in obj._meta.concrete_fields
        if only is None or field.name in only
    }


def _history(obj, *, only=None):
    """Every history row of `obj`, oldest first, with who made each change."""
    rows = obj.history.order_by("history_date", "history_id").select_related("history_user")
    user_field = get_user_model().USERNAME_FIELD
    exported = []
    for row in rows:
        data = {
            "date": row.history_date,
            "type": row.get_history_type_display(),
            "by": getattr(row.history_user, user_field, None) if row.history_user else None,
            "reason": row.history_change_reason or "",
        }
        data["fields"] = {
            field.name: _value(field, row)
            for field in obj._meta.concrete_fields
            if hasattr(row, field.attname) and (only is None or field.name in only)
        }
        exported.append(data)
    return exported


# An organization's contact and notes are about a person; the rest is about the organization.
ORGANIZATION_PERSONAL_FIELDS = ["id", "name", "slug", *ORGANIZATION_CONTACT_FIELDS]


def _sign_on_answers(supporter):
    """What the person answered on sign-on pages (drives app), oldest first: their choice,
    the visibility they chose and the comment they wrote to the secretariat."""
    if not django_apps.is_installed("drives"):
        return []
    Answer = django_apps.get_model("drives", "Answer")
    answers = (
        Answer.objects.filter(invitation__supporter=supporter)
        .select_related("invitation__drive__statement")
        .order_by("answered_at", "pk")
    )
    return [
        {
            "statement": answer.invitation.drive.statement.title,
            "answer": answer.choice,
            "visibility": answer.visibility,
            "comment": answer.comment,
            "answered_at": answer.answered_at,
        }
        for answer in answers
    ]


def personal_data_export(*, subject, user):
    """Everything stored about the person behind `subject`, as JSON-ready data; logged."""
    person = Person(subject)
    supporters = []
    for supporter in person.supporters:
        signatures = supporter.signatures.select_related("statement").order_by("pk")
        supporters.append(
            {
                "fields": _fields(supporter),
                "history": _history(supporter),
                "signatures": [
                    {
                        "statement": signature.statement.title,
                        "statement_language": signature.statement.language,
                        "statement_slug": signature.statement.slug,
                        "signed_on": signature.signed_on,
                        "withdrawn_on": signature.withdrawn_on,
                        "name_at_signing": signature.name_at_signing,
                        "history": _history(signature),
                    }
                    for signature in signatures
                ],
                "sign_on_answers": _sign_on_answers(supporter),
                # Asked for in the members' area, with the consent given (members/area.py).
                "visibility_requests": [
                    _fields(visibility_request)
                    for visibility_request in supporter.visibility_requests.order_by("pk")
                ],
            }
        )
    data = {
        "exported_at": timezone.now(),
        "exported_by": user.get_username(),
        "emails": person.emails,
        "supporters": supporters,
        "organizations": [
            {
                "fields": _fields(organization, only=ORGANIZATION_PERSONAL_FIELDS),
                "history": _history(organization, only=ORGANIZATION_PERSONAL_FIELDS),
            }
            for organization in person.organizations
        ],
        "join_requests": [
            {"fields": _fields(join_request), "history": _history(join_request)}
            for join_request in person.join_requests
        ],
        "emails_sent": [
            {
                "to": mail.to,
                "subject": mail.subject,
                "body": mail.body,
                "status": mail.status,
                "queued_at": mail.created_at,
                "sent_at": mail.sent_at,
            }
            for mail in person.mail()
        ],
    }
    for source, records in person.other_records.items():
        data[source.key] = source.export(records)
    record_change(user, subject, "Personal data exported")
    logger.info(
        "personal data of %s #%s exported by user #%s",
        subject._meta.label,
        subject.pk,
        user.pk,
    )
    # Round-trip through the encoder so that callers get plain JSON types.
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


# ---------------------------------------------------------------------------------------------
# Erasure
# ---------------------------------------------------------------------------------------------


def _erase_rows(obj, values, *, user, reason):
    """Set `values` on the row (a new, anonymized history row) and on all its older rows."""
    for name, value in values.items():
        setattr(obj, name, value)
    obj._history_user = user
    obj._change_reason = reason
    obj.save()
    history_values = {
        name: value
        for name, value in values.items()
        if name in {f.name for f in obj.history.model._meta.fields}
    }
    obj.history.model.objects.filter(**{obj._meta.pk.attname: obj.pk}).update(**history_values)


def _delete_files(field, names):
    storage = field.storage
    for name in {n for n in names if n}:
        if storage.exists(name):
            storage.delete(name)


@transaction.atomic
def personal_data_erase(*, subject, user):
    """Anonymize the person behind `subject` everywhere; see the module docstring. Logged.

    Returns the Person whose records were erased.
    """
    person = Person(subject)
    _erase(person, user=user, reason="Personal data erased")
    logger.info(
        "personal data of %s #%s erased by user #%s", subject._meta.label, subject.pk, user.pk
    )
    return person


@transaction.atomic
def join_request_erase(*, join_request, reason, user=None):
    """Erase one request to join as `personal_data_erase` would, leaving the other records of
    its address alone. `user`: the staff member, or None for the automatic purge."""
    person = Person(join_request, gather=False)
    _erase(person, user=user, reason=reason)
    return person


def _erase(person, *, user, reason):
    now = timezone.now()
    names = _phones(person)  # read before the rows are blanked; scrubbed like names

    for supporter in person.supporters:
        names.update({supporter.full_name, supporter.display_name})
        _erase_rows(
            supporter,
            {**SUPPORTER_ERASED_VALUES, "personal_data_erased_at": now},
            user=user,
            reason=reason,
        )
        # A name typed on one of their signatures is their name too.
        signatures = supporter.signatures.exclude(name_at_signing="")
        for signature in signatures:
            _erase_rows(signature, {"name_at_signing": ""}, user=user, reason=reason)
        supporter.signatures.model.history.model.objects.filter(supporter_id=supporter.pk).update(
            name_at_signing=""
        )
        # The desk's answer to their requests to be shown less privately was written to them,
        # about them (the wording they agreed to is ours, and stays as the record of consent).
        supporter.visibility_requests.exclude(reason="").update(reason="")

    # Sign-in links to the members' area: keyed by a digest of the address, gone with it.
    MemberSignInLink.objects.filter(
        Q(supporter__in=person.supporters) | Q(organization__in=person.organizations)
    ).delete()

    # An organization's own edits (members/profile.py): who asked, and a contact handover,
    # which names a person and their address (as the successor or as the one who asked).
    ProfileChange.objects.filter(organization__in=person.organizations).update(requested_by="")
    handovers = ContactHandover.objects.filter(organization__in=person.organizations)
    for email in person.emails:
        handovers |= ContactHandover.objects.filter(
            Q(new_email__mailbox=email) | Q(requested_by__mailbox=email)
        )
    names.update(handovers.values_list("new_name", flat=True))
    handovers.delete()

    for organization in person.organizations:
        names.add(organization.contact_name)
        _erase_rows(organization, ORGANIZATION_CONTACT_ERASED_VALUES, user=user, reason=reason)

    logo_field = JoinRequest._meta.get_field("logo")
    for join_request in [*person.join_requests, *person.unverified_requests]:
        # An organization that became a member is a public body: its name stays. A person's
        # name, or that of an organization turned away, is erased.
        if join_request.kind == JoinRequest.Kind.INDIVIDUAL or not join_request.organization_id:
            names.update({join_request.name, join_request.local_name, join_request.display_name})
        names.add(join_request.contact_name)
        logos = [join_request.logo.name, *join_request.history.values_list("logo", flat=True)]
        _erase_rows(
            join_request,
            {**JOIN_REQUEST_ERASED_VALUES, "personal_data_erased_at": now},
            user=user,
            reason=reason,
        )
        # After the rows no longer point at them, and only once the erasure is committed.
        transaction.on_commit(lambda logos=logos: _delete_files(logo_field, logos))

    for source, records in person.other_records.items():
        source.erase(records, user=user, reason=reason)

    held_emails, held_names = person.held_by_others()
    emails = {*person.emails, *person.former_emails} - held_emails
    terms = (_scrubbed(names) - held_names) | emails
    _erase_notices(person)
    _erase_mail(emails, terms)
    _scrub_sign_on_comments(terms)
    _scrub_actionrecord_change(person, terms)
    # A members' area session keeps a digest of the address it signed in with (members/area.py).
    _erase_sessions(terms | {email_digest(email) for email in emails})
    if user is not None:
        record_change(user, person.subject, reason)
    # Public pages and API answers cached anywhere may still carry the name: start a new
    # generation of cached pages once the erasure is committed.
    transaction.on_commit(page_cache.invalidate)


def _scrubbed(names):
    """The names worth replacing: long enough not to match inside unrelated words. Two
    characters are a whole name in Korean, Japanese or Chinese (이준, 林杏), so those count."""
    names = {n.strip() for n in names if n and n.strip()}
    return {n for n in names if len(n) >= 3 or (len(n) == 2 and not n.isascii())} - {ERASED_NAME}


def _phones(person):
    return {
        *(s.phone for s in person.supporters),
        *(o.contact_phone for o in person.organizations),
        *(r.phone for r in [*person.join_requests, *person.unverified_requests]),
    }


def _erase_notices(person):
    """The secretariat's notices of the person's requests to join are about them alone:
    each links to its request in the admin, and goes with it."""
    about = Q(pk__in=[])
    for join_request in [*person.join_requests, *person.unverified_requests]:
        path = reverse("admin:members_joinrequest_change", args=[join_request.pk])
        about |= Q(body__contains=path)
    OutboundEmail.objects.filter(about).delete()


def _erase_sessions(terms):
    """Sessions that hold the person's address, name or address digest (a join applicant's
    session keeps the address it was sent to) are ended and deleted, expired ones included.

    Only a session engine with a table can be searched; with cookies or a plain cache the
    data expires by itself (SESSION_COOKIE_AGE).
    """
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    if not terms or not hasattr(store_class, "get_model_class"):
        return
    lowered = [term.lower() for term in terms]
    decoder = store_class()
    doomed = []
    for key, data in (
        store_class.get_model_class().objects.values_list("session_key", "session_data").iterator()
    ):
        text = json.dumps(decoder.decode(data), default=str, ensure_ascii=False).lower()
        if any(term in text for term in lowered):
            doomed.append(key)
    for key in doomed:
        store_class(session_key=key).delete()


def _erase_mail(emails, terms):
    """Mail to the person's `emails` goes; `terms` (their names and addresses) go from mail
    about them to others, such as the secretariat's notice of a new request."""
    to_them = Q(pk__in=[])
    for email in emails:
        to_them |= Q(to__mailbox=email)
    OutboundEmail.objects.filter(to_them).delete()
    mentions = Q(pk__in=[])
    for term in terms:
        mentions |= Q(subject__icontains=term) | Q(body__icontains=term)
    for mail in OutboundEmail.objects.filter(mentions):
        mail.subject = _scrub_text(mail.subject, terms)
        mail.body = _scrub_text(mail.body, terms)
        mail.save(update_fields=["subject", "body"])


def _scrub_sign_on_comments(terms):
    """Comments written to the secretariat on sign-on pages (drives app) that name the person:
    an organization's contact signs its answer with their name and number. The comment is the
    organization's and stays, without them. (A supporter's own comments go whole, when they
    are saved erased: drives.services.erase_comments_on_erasure.)"""
    if not terms or not django_apps.is_installed("drives"):
        return
    Answer = django_apps.get_model("drives", "Answer")
    mentions = Q(pk__in=[])
    for term in terms:
        mentions |= Q(comment__icontains=term)
    for answer in Answer.objects.filter(mentions):
        answer.comment = _scrub_text(answer.comment, terms)
        answer.save(update_fields=["comment"])


def _scrub_text(text, terms):
    """`text` with every one of `terms` replaced, in any case; the longest first, so that a
    full name goes whole rather than around a part of it that is also a term."""
    for term in sorted(terms, key=len, reverse=True):
        text = re.sub(re.escape(term), ERASED_NAME, text, flags=re.IGNORECASE)
    return text


def _scrub_actionrecord_change(person, terms):
    """The admin's action log names objects by their __str__ at the time: rename them."""
    for obj in [*person.supporters, *person.join_requests, *person.unverified_requests]:
        LogEntry.objects.filter(
            content_type__app_label=obj._meta.app_label,
            content_type__model=obj._meta.model_name,
            object_id=str(obj.pk),
        ).update(object_repr=str(obj)[:200])
    # Inline changes ("Added signature “Jane Doe”") carry the name in the message itself, which
    # the admin stores as JSON with its non-ASCII letters escaped: 김 is "\uae40" there.
    mentions = Q(pk__in=[])
    for term in terms:
        mentions |= Q(object_repr__icontains=term)
        for form in _log_forms(term):
            mentions |= Q(change_message__icontains=form)
    for entry in LogEntry.objects.filter(mentions):
        entry.object_repr = _scrub_text(entry.object_repr, terms)
        entry.change_message = _scrub_log_message(entry.change_message, terms)
        entry.save(update_fields=["change_message", "object_repr"])


def _log_forms(term):
    """How `term` may be written in a stored log message: as typed and JSON-escaped, in the
    casings a name is usually typed in (the database cannot match an escaped letter's other
    case)."""
    cases = {term, term.lower(), term.upper(), term.title()}
    return cases | {json.dumps(case)[1:-1] for case in cases}


def _scrub_log_message(message, terms):
    """A message as LogEntry.get_change_message reads it: JSON when it starts with "[" (the
    admin's own), else plain text. Scrubbed where it is decoded, and stored back alike."""
    if message.startswith("["):
        try:
            decoded = json.loads(message)
        except ValueError:
            pass
        else:
            return json.dumps(_scrub_structure(decoded, terms))
    return _scrub_text(message, terms)


def _scrub_structure(value, terms):
    if isinstance(value, str):
        return _scrub_text(value, terms)
    if isinstance(value, list):
        return [_scrub_structure(item, terms) for item in value]
    if isinstance(value, dict):
        return {key: _scrub_structure(item, terms) for key, item in value.items()}
    return value
