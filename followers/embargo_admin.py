"""Embargoed releases in the admin: the "Release to the press…" page of a statement (who gets
it, in which language, who already has it), and each release with who received it and when.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from followers import embargo
from followers.models import Journalist, PressDelivery, PressNotice, PressRelease
from icnk.deletion_refusals import RefusesDeletion
from icnk.errors import id_param
from statements.models import Statement
from statements.publication import when_public


def can_release(user):
    return (
        user.has_perm("statements.publish_statement")
        and user.has_perm("followers.add_pressrelease")
        and user.has_perm("followers.view_journalist")
    )


class PressDeliveryInline(admin.TabularInline):
    """Who received the release, in which language, and when it was handed to the mail
    server; read-only, as a record."""

    model = PressDelivery
    extra = 0
    can_delete = False
    fields = [
        "journalist", "outlet", "language", "created_at", "status", "sent_at", "problem", "told",
    ]  # fmt: skip
    readonly_fields = fields
    verbose_name_plural = _("recipients")

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("journalist").prefetch_related("notices")
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("outlet"))
    def outlet(self, delivery):
        return delivery.journalist.outlet

    @admin.display(description=_("problem"))
    def problem(self, delivery):
        # Why a copy was skipped is written in English (embargo._skip) and translated here; a
        # mail server's own words are not in the catalogue and are shown as they came.
        return gettext(delivery.last_error) if delivery.last_error else "—"

    @admin.display(description=_("told since"))
    def told(self, delivery):
        """What they were told when the embargo stopped holding, and whether it went."""
        return (
            "; ".join(
                gettext("%(what)s (%(status)s)")
                % {
                    "what": notice.get_kind_display()
                    + (
                        ": " + embargo.embargo_sentence(notice.embargo_until)
                        if notice.embargo_until
                        else ""
                    ),
                    "status": notice.get_status_display(),
                }
                for notice in delivery.notices.all()
            )
            or "—"
        )


def deletion_refusal(statements):
    """Why these statements cannot be deleted yet, for the statement's delete page."""
    return embargo.deletion_refusals(statements=statements)


@admin.register(PressRelease)
class PressReleaseAdmin(RefusesDeletion, admin.ModelAdmin):
    list_display = ["title", "embargo", "released_at", "released_by", "sent", "waiting", "refused"]
    list_select_related = ["released_by"]
    fields = ["statement_link", "embargo", "released_at", "released_by"]
    readonly_fields = fields
    inlines = [PressDeliveryInline]
    show_full_result_count = False

    def get_queryset(self, request):
        status = PressDelivery.Status
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_sent=Count("deliveries", filter=Q(deliveries__status=status.SENT)),
                n_waiting=Count(
                    "deliveries", filter=Q(deliveries__status__in=[status.QUEUED, status.SENDING])
                ),
                n_refused=Count(
                    "deliveries", filter=Q(deliveries__status__in=[status.FAILED, status.SKIPPED])
                ),
            )
        )

    def has_add_permission(self, request):
        return False  # from a statement's page, with "Release to the press…"

    def deletion_refusals(self, releases):
        """As for statements: not while journalists who have a copy count on its embargo, or
        have mail about it still to go (the copies and notices would go with it)."""
        return embargo.deletion_refusals(releases=releases)

    def lock_for_deletion(self, releases):
        """The statements released, as releasing again locks one of them (and adds copies to
        a release of the same embargo): no copy is added between the check and the deletion."""
        Statement.objects.lock_versions(release.translation_key for release in releases)

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("embargo"), ordering="embargo_until")
    def embargo(self, release):
        return embargo.embargo_sentence(release.embargo_until)

    @admin.display(description=_("statement"))
    def statement_link(self, release):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:statements_statement_change", args=[release.statement_id]),
            release.title,
        )

    @admin.display(description=_("sent"), ordering="n_sent")
    def sent(self, release):
        return release.n_sent

    @admin.display(description=_("waiting"), ordering="n_waiting")
    def waiting(self, release):
        return release.n_waiting

    @admin.display(description=_("not sent"), ordering="n_refused")
    def refused(self, release):
        return release.n_refused

    # -- releasing -----------------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "release/<path:statement_id>/",
                self.admin_site.admin_view(self.release_view),
                name="followers_pressrelease_release",
            ),
            *super().get_urls(),
        ]

    def release_view(self, request, statement_id):
        """Confirm the release of a scheduled statement to journalists: the embargo time, the
        versions released, and the journalists (those whose beats match, ticked; the others on
        the list, to tick by hand; those who already have it, said so)."""
        if not can_release(request.user):
            raise PermissionDenied
        statement_id = id_param(unquote(statement_id))
        statement = (
            Statement.objects.filter(pk=statement_id).first() if statement_id is not None else None
        )
        if statement is None:
            raise Http404
        change_url = reverse("admin:statements_statement_change", args=[statement.pk])
        problem = embargo.release_problem(statement)
        error = None
        if request.method == "POST" and problem is None:
            chosen = {id_param(v) for v in request.POST.getlist("journalists")} - {None}
            journalists = list(Journalist.objects.on_list().filter(pk__in=chosen))
            if not journalists:
                error = gettext("Tick at least one journalist.")
            else:
                try:
                    release, added = embargo.press_release(
                        statement=statement, user=request.user, journalists=journalists
                    )
                except embargo.ReleaseError as refused:
                    problem = str(refused)
                else:
                    self.message_user(
                        request,
                        ngettext(
                            "Released under embargo to %(count)d journalist.",
                            "Released under embargo to %(count)d journalists.",
                            added,
                        )
                        % {"count": added}
                        + (
                            " "
                            + gettext("The others ticked had it already; they get it only once.")
                            if added < len(journalists)
                            else ""
                        ),
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:followers_pressrelease_change", args=[release.pk])
                    )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "statement": statement,
            "title": gettext("Release “%(title)s” to the press under embargo?")
            % {"title": statement.title},
            "change_url": change_url,
            "problem": problem,
            "error": error,
        }
        if problem is None:
            versions = embargo.release_versions(statement)
            released = embargo.holding(statement.translation_key, statement.published_at)
            matching = list(embargo.beat_journalists(statement).prefetch_related("beats"))
            matching_ids = {j.pk for j in matching}
            others = list(
                Journalist.objects.on_list().exclude(pk__in=matching_ids).prefetch_related("beats")
            )
            ticked = (
                {id_param(v) for v in request.POST.getlist("journalists")} - {None}
                if request.method == "POST"
                else matching_ids
            )

            def rows(journalists):
                return [
                    {
                        "journalist": j,
                        "version": embargo.pick_version(versions, j),
                        "released": j.pk in released,
                        "ticked": j.pk in ticked and j.pk not in released,
                    }
                    for j in journalists
                ]

            missing = [
                (code, name)
                for code, name in Statement._meta.get_field("language").choices
                if code not in {v.language for v in versions}
            ]
            context.update(
                embargo=embargo.embargo_sentence(statement.published_at),
                when=when_public(statement.published_at),
                versions=versions,
                missing=missing,
                matching=rows(matching),
                others=rows(others),
                campaign=statement.campaign,
            )
        status = 400 if (problem or error) and request.method == "POST" else 200
        return TemplateResponse(
            request, "admin/followers/pressrelease/release.html", context, status=status
        )


# ---------------------------------------------------------------------------------------------
# On the statement's own page (statements/admin.py asks)
# ---------------------------------------------------------------------------------------------


def statement_note(statement):
    """Under "Publication": the embargo the press was given, and the button to release."""
    if statement is None or not statement.pk:
        return ""
    releases = list(
        PressRelease.objects.filter(translation_key=statement.translation_key)
        .annotate(
            n_sent=Count("deliveries", filter=Q(deliveries__status=PressDelivery.Status.SENT)),
            n_all=Count("deliveries"),
        )
        .order_by("-released_at")
    )
    parts = []
    current = [r for r in releases if r.embargo_until == statement.published_at]
    if current and statement.is_scheduled:
        parts.append(
            format_html(
                "<strong>{}</strong>",
                embargo.embargo_sentence(statement.published_at),
            )
        )
    for release in releases:
        parts.append(
            format_html(
                '<a href="{}">{}</a>',
                reverse("admin:followers_pressrelease_change", args=[release.pk]),
                gettext(
                    "Released to the press under embargo until %(embargo)s: %(sent)d of "
                    "%(count)d sent."
                )
                % {
                    "embargo": embargo.embargo_moment(release.embargo_until)["date"]
                    + " "
                    + embargo.embargo_moment(release.embargo_until)["time"],
                    "sent": release.n_sent,
                    "count": release.n_all,
                },
            )
        )
    if statement.is_scheduled:
        parts.append(
            format_html(
                '<a class="button" href="{}">{}</a>',
                reverse("admin:followers_pressrelease_release", args=[statement.pk]),
                gettext("Release to the press under embargo…"),
            )
        )
    elif not releases:
        parts.append(
            gettext(
                "To send it to journalists before it is public, schedule it: the publication "
                "time is the embargo time."
            )
        )
    return format_html("<br>".join(["{}"] * len(parts)), *parts) if parts else ""


def publication_warnings(statements, step):
    """Publishing now, rescheduling or cancelling statements the press holds under embargo
    (what journalists were last told, `embargo.believed`), and what they will be told:
    {pk: text} for each statement with something to say. Three queries at most, however many
    statements (the bulk confirmation lists every one selected)."""
    now = timezone.now()
    copies = embargo.copies_by_key({statement.translation_key for statement in statements})
    told_of, held_of = {}, {}
    for statement in statements:
        told = [
            embargo.believed(deliveries)
            for deliveries in copies[statement.translation_key].values()
        ]
        told_of[statement.pk] = told
        held = sorted({t[1] for t in told if t and t[0] == PressNotice.Kind.MOVED and t[1] > now})
        if held:
            held_of[statement.pk] = held[0]
    # The other published versions of each statement held under embargo, as they stay (the
    # selected ones all take the step): one query.
    others = {}
    held_keys = {s.translation_key for s in statements if s.pk in held_of}
    if held_keys and step != "publish":
        for key, at in (
            Statement.objects.filter(
                translation_key__in=held_keys, status=Statement.Status.PUBLISHED
            )
            .exclude(pk__in=[s.pk for s in statements])
            .values_list("translation_key", "published_at")
        ):
            others.setdefault(key, []).append(at)
    warnings = {}
    for statement in statements:
        if statement.pk in held_of:
            warnings[statement.pk] = _warning(
                step, statement, held_of[statement.pk], others.get(statement.translation_key, [])
            )
        elif step == "schedule" and (PressNotice.Kind.WITHDRAWN, None) in told_of[statement.pk]:
            warnings[statement.pk] = gettext(
                "Journalists were told that this statement was withdrawn. Scheduling it does "
                "not tell them; once it is scheduled, release it to the press again to send it "
                "to them."
            )
    return warnings


def _warning(step, statement, held, others):
    """What `step` does to the embargo `held` that journalists were given of `statement`;
    `others`: the times of its other published versions, which stay as they are."""
    sentence = embargo.embargo_sentence(held)
    if step == "publish":
        return gettext(
            "Journalists were told: %(embargo)s. Publishing now breaks that embargo for "
            "everyone; each journalist who has the release is told by mail that it is lifted."
        ) % {"embargo": sentence}
    if step == "schedule":
        if statement.is_scheduled and statement.published_at in others:
            return gettext(
                "Journalists were told: %(embargo)s. Another language version keeps that time: "
                "they are told a new time once every version is moved."
            ) % {"embargo": sentence}
        return gettext(
            "Journalists were told: %(embargo)s. Each journalist who has the release is told "
            "the new time by mail."
        ) % {"embargo": sentence}
    if others and min(others) == held:
        return gettext(
            "Journalists were told: %(embargo)s. Another language version still comes out at "
            "that time, so they are not told anything."
        ) % {"embargo": sentence}
    if others:
        return gettext(
            "Journalists were told: %(embargo)s. Another language version stays scheduled, "
            "for another time: each journalist who has the release is told that time by mail."
        ) % {"embargo": sentence}
    return gettext(
        "Journalists were told: %(embargo)s. Going back to draft withdraws the release: its "
        "document links stop working, and each journalist who has it is told by mail not to "
        "publish it."
    ) % {"embargo": sentence}
