"""Signatories in bulk, and one withdrawal with its date, from a statement's page.

Mixed into StatementAdmin:

- `<id>/signatories/` adds many at once: every active member, the members of a region, country
  or kind, a pasted list of names (matched, then confirmed, with the lines that matched nobody
  listed), or a search-as-you-type pick (the admin's own autocomplete, select2);
- `<id>/signatories/<signature id>/withdraw/` withdraws one signature on a date.

Taken-down people are never offered or added (`Supporter.objects.signable()`, and the service
checks again); people keep their own visibility, shown here beside each name.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from members.models import Organization, OrganizationKind, Supporter
from members.regions import Region
from statements import services
from statements.models import Signature
from statements.queries import match_pasted_names


def _date_input():
    # A native date picker: no "01/12/2026" to misread, the ISO date is what is sent.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SignatoryPickForm(forms.Form):
    """The members to add (picked by search, or ticked on the confirmation page) and the date."""

    organizations = forms.ModelMultipleChoiceField(
        label=_("organizations"),
        queryset=Organization.objects.active(),
        required=False,
        widget=AutocompleteSelectMultiple(Signature._meta.get_field("organization"), admin.site),
    )
    supporters = forms.ModelMultipleChoiceField(
        label=_("individual supporters"),
        queryset=Supporter.objects.signable(),
        required=False,
        widget=AutocompleteSelectMultiple(Signature._meta.get_field("supporter"), admin.site),
        help_text=_("People taken down are not offered. Each appears only as they agreed."),
    )
    signed_on = forms.DateField(
        label=_("signed on"), initial=timezone.localdate, widget=_date_input()
    )

    def clean(self):
        data = super().clean()
        if not data.get("organizations") and not data.get("supporters") and not self.errors:
            raise ValidationError(_("Choose at least one signatory."), code="empty")
        return data


class SignatoryGroupForm(forms.Form):
    """Every active member, or those of one region, country or kind."""

    region = forms.ChoiceField(label=_("region"), required=False)
    country = forms.ChoiceField(label=_("country"), required=False)
    kind = forms.ChoiceField(label=_("kind"), required=False)
    include_people = forms.BooleanField(
        label=_("Individual supporters too"),
        required=False,
        help_text=_("Only organizations are added unless this is ticked."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        anything = [("", _("Any"))]
        self.fields["region"].choices = anything + list(Region.choices)
        codes = set(
            Organization.objects.active().exclude(country="").values_list("country", flat=True)
        ) | set(Supporter.objects.signable().exclude(country="").values_list("country", flat=True))
        self.fields["country"].choices = anything + sorted(
            ((code, countries.name(code)) for code in codes), key=lambda c: c[1]
        )
        self.fields["kind"].choices = anything + list(OrganizationKind.choices)

    def members(self):
        """The organizations and people this form describes (before leaving out who signed)."""
        data = self.cleaned_data
        filters = {k: data[k] for k in ("region", "country") if data.get(k)}
        organizations = Organization.objects.counted().filter(**filters)
        if data.get("kind"):
            organizations = organizations.filter(kind=data["kind"])
        people = Supporter.objects.none()
        if data.get("include_people") and not data.get("kind"):
            people = Supporter.objects.signable().filter(**filters)
        return list(organizations.order_by("name")), list(people.order_by("full_name"))


class SignatoryPasteForm(forms.Form):
    names = forms.CharField(
        label=_("names, one a line"),
        widget=forms.Textarea(attrs={"rows": 8, "cols": 60}),
        max_length=20000,
        help_text=_(
            "In English, Korean or Japanese, or acronyms; case and spaces do not matter. You "
            "confirm the matches before anything is added."
        ),
    )


class WithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("withdrawn on"), widget=_date_input())

    def __init__(self, *args, signature, **kwargs):
        super().__init__(*args, **kwargs)
        self.signature = signature
        self.fields["withdrawn_on"].initial = timezone.localdate()

    def clean_withdrawn_on(self):
        day = self.cleaned_data["withdrawn_on"]
        if day < self.signature.signed_on:
            raise ValidationError(
                _("A signature cannot be withdrawn before it was given (%(date)s)."),
                code="before_signing",
                params={"date": self.signature.signed_on.isoformat()},
            )
        if day > timezone.localdate():
            raise ValidationError(_("A withdrawal cannot be dated in the future."), code="future")
        return day


def sign_on_summary(statement):
    """Counts for the signatory section of the statement's page (one query)."""
    standing = Q(withdrawn_on__isnull=True)
    counts = Signature.objects.filter(statement_id=statement.source_id).aggregate(
        standing=Count("pk", filter=standing),
        withdrawn=Count("pk", filter=~standing),
        organizations=Count("pk", filter=standing & Q(organization__isnull=False)),
    )
    counts["people"] = counts["standing"] - counts["organizations"]
    counts["add_url"] = reverse(
        "admin:statements_statement_signatories", args=[statement.source_id]
    )
    return counts


class SignatoryDeskMixin:
    """The bulk-add and withdrawal views of StatementAdmin."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/signatories/",
                view(self.signatories_view),
                name="statements_statement_signatories",
            ),
            path(
                "<path:object_id>/signatories/<int:signature_id>/withdraw/",
                view(self.signature_withdraw_view),
                name="statements_statement_signature_withdraw",
            ),
            *super().get_urls(),
        ]

    # -- helpers ---------------------------------------------------------------------------------

    def _statement_for_signatories(self, request, object_id, permission):
        statement = self.get_object(request, unquote(object_id))
        if statement is None:
            raise Http404
        if not (
            self.has_change_permission(request, statement)
            and request.user.has_perm(f"statements.{permission}_signature")
        ):
            raise PermissionDenied
        return statement

    def _statement_page(self, statement, anchor="signatures-group"):
        url = reverse("admin:statements_statement_change", args=[statement.pk])
        return redirect(f"{url}#{anchor}")

    def _page(self, request, statement, template, title, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": statement,
                "title": title,
                **context,
            },
        )

    # -- adding in bulk --------------------------------------------------------------------------

    def signatories_view(self, request, object_id):
        statement = self._statement_for_signatories(request, object_id, "add")
        if statement.translation_of_id:
            self.message_user(
                request,
                gettext("Translations share their original's signatories: add them here."),
                messages.INFO,
            )
            return redirect(
                reverse("admin:statements_statement_signatories", args=[statement.source_id])
            )
        step = request.POST.get("step") if request.method == "POST" else None
        pick = SignatoryPickForm(request.POST if step == "add" else None)
        group = SignatoryGroupForm(request.POST if step == "group" else None)
        paste = SignatoryPasteForm(request.POST if step == "paste" else None)

        if step == "add" and pick.is_valid():
            added = services.signatures_add(
                statement=statement,
                user=request.user,
                organizations=pick.cleaned_data["organizations"],
                supporters=pick.cleaned_data["supporters"],
                on=pick.cleaned_data["signed_on"],
            )
            if added:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d signatory added.", "%(count)d signatories added.", len(added)
                    )
                    % {"count": len(added)},
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request, gettext("All of them had signed already."), messages.WARNING
                )
            return self._statement_page(statement)

        # Individual supporters only for staff who may see them (as the history and the
        # admin's own search of people do); others work with organizations.
        sees_people = request.user.has_perm("members.view_supporter")
        if step == "group" and group.is_valid():
            organizations, people = group.members()
            if not sees_people:
                people = []
            return self._confirm(request, statement, organizations, people, lines=None)
        if step == "paste" and paste.is_valid():
            lines = match_pasted_names(
                paste.cleaned_data["names"],
                organizations=Organization.objects.active(),
                supporters=Supporter.objects.signable()
                if sees_people
                else Supporter.objects.none(),
            )
            organizations = [o for line in lines if line.is_matched for o in line.organizations]
            people = [p for line in lines if line.is_matched for p in line.supporters]
            return self._confirm(request, statement, organizations, people, lines=lines)

        summary = sign_on_summary(statement)
        everyone = Organization.objects.counted().exclude(signatures__statement=statement).count()
        return self._page(
            request,
            statement,
            "admin/statements/statement/signatories_add.html",
            gettext("Add signatories to “%(title)s”") % {"title": statement.title},
            pick=pick,
            group=group,
            paste=paste,
            summary=summary,
            everyone=everyone,
            media=self.media + pick.media,
        )

    def _confirm(self, request, statement, organizations, people, *, lines):
        """The members found, ticked, with those who signed already and the lines that named
        nobody; adding happens on the next POST."""
        signed = Signature.objects.filter(statement=statement)
        signed_orgs = set(
            signed.exclude(organization=None).values_list("organization_id", flat=True)
        )
        signed_people = set(signed.exclude(supporter=None).values_list("supporter_id", flat=True))
        new_orgs = [o for o in organizations if o.pk not in signed_orgs]
        new_people = [p for p in people if p.pk not in signed_people]
        already = [o for o in organizations if o.pk in signed_orgs] + [
            p for p in people if p.pk in signed_people
        ]
        return self._page(
            request,
            statement,
            "admin/statements/statement/signatories_confirm.html",
            gettext("Confirm the signatories of “%(title)s”") % {"title": statement.title},
            organizations=new_orgs,
            people=new_people,
            already=already,
            unmatched=[line for line in lines or [] if not line.candidates],
            ambiguous=[line for line in lines or [] if line.is_ambiguous],
            signed_orgs=signed_orgs,
            signed_people=signed_people,
            pasted=lines is not None,
            count=len(new_orgs) + len(new_people),
            today=timezone.localdate(),
        )

    # -- withdrawing one -------------------------------------------------------------------------

    def signature_withdraw_view(self, request, object_id, signature_id):
        statement = self._statement_for_signatories(request, object_id, "change")
        signature = get_object_or_404(
            Signature.objects.select_related("organization", "supporter"),
            pk=signature_id,
            statement_id=statement.source_id,
        )
        if signature.withdrawn_on:
            self.message_user(
                request,
                gettext("This signature was withdrawn on %(date)s already.")
                % {"date": date_format(signature.withdrawn_on)},
                messages.WARNING,
            )
            return self._statement_page(statement)
        form = WithdrawForm(request.POST or None, signature=signature)
        if request.method == "POST" and form.is_valid():
            services.signature_withdraw(
                signature=signature, user=request.user, on=form.cleaned_data["withdrawn_on"]
            )
            self.message_user(
                request,
                gettext("The signature of “%(name)s” is withdrawn as of %(date)s.")
                % {"name": signature, "date": date_format(form.cleaned_data["withdrawn_on"])},
                messages.SUCCESS,
            )
            return self._statement_page(statement)
        return self._page(
            request,
            statement,
            "admin/statements/statement/signature_withdraw.html",
            gettext("Withdraw the signature of “%(name)s”") % {"name": signature},
            form=form,
            signature=signature,
        )


def withdrawal_cell(signature):
    """The inline's last column: the withdrawal date, or the link that records one."""
    if signature is None or signature.pk is None:
        return ""
    if signature.withdrawn_on:
        return format_html(
            '<span class="signature-withdrawn">{}</span>',
            gettext("withdrawn on %(date)s") % {"date": signature.withdrawn_on.isoformat()},
        )
    return format_html(
        '<a class="button signature-withdraw" href="{}">{}</a>',
        reverse(
            "admin:statements_statement_signature_withdraw",
            args=[signature.statement_id, signature.pk],
        ),
        gettext("Withdraw…"),
    )
