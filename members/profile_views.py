"""The members' area pages where an organization's contact edits its public profile and hands
the contact role over, and the page the new contact's link opens (members/profile.py).

Every page is personal: never cached, never indexed. Only the signed-in organization's own
record is ever read or written: no page takes an organization from the address.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from members import profile
from members.area import current_member, member_area_required
from members.models import Organization
from members.profile_forms import HandoverForm, ProfileForm
from members.views import _private


def _organization(request):
    member = current_member(request)
    if not isinstance(member, Organization):
        raise Http404  # a supporter has no organization profile to edit
    return member


@member_area_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile_edit(request):
    """/<lang>/members/area/profile/: the public profile's fields, as proposed; sending puts
    them to the secretariat (replacing what was waiting), and the public page is unchanged."""
    organization = _organization(request)
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES)
        if form.is_valid():
            values = {k: v for k, v in form.cleaned_data.items() if k != "logo"}
            change = profile.profile_change_submit(
                organization=organization,
                values=values,
                logo=form.cleaned_data.get("logo") or None,
                requested_by=organization.contact_email,
            )
            if change is None:
                messages.info(
                    request,
                    gettext("Nothing differs from your public profile: nothing was sent."),
                )
            else:
                messages.success(
                    request,
                    gettext(
                        "Thank you. Your changes are with the secretariat for review; your public "
                        "page shows them once they are approved. We will tell you by email."
                    ),
                )
            return redirect("members:area-profile")
    else:
        form = ProfileForm(initial=profile.proposed_values(organization))
    change = profile.pending_change(organization)
    context = {
        "organization": organization,
        "form": form,
        "pending": change,
        "handover": organization.contact_handovers.filter(status="pending").first(),
    }
    return _private(render(request, "members/profile/edit.html", context))


@member_area_required
@require_http_methods(["GET", "HEAD", "POST"])
def contact_handover(request):
    """/<lang>/members/area/contact/: name the new contact person; they confirm by email."""
    organization = _organization(request)
    form = HandoverForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            profile.contact_handover_start(
                organization=organization,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                requested_by=organization.contact_email,
            )
        except profile.TooManyHandovers:
            form.add_error(
                None,
                gettext(
                    "You have asked for several handovers today. Please try again tomorrow, or "
                    "write to the secretariat."
                ),
            )
            context = {"organization": organization, "form": form}
            return _private(render(request, "members/profile/handover.html", context, status=429))
        messages.success(
            request,
            gettext(
                "We have sent %(name)s a link to confirm. You remain the contact until they do."
            )
            % {"name": form.cleaned_data["name"]},
        )
        return redirect("members:area-profile")
    context = {"organization": organization, "form": form}
    return _private(render(request, "members/profile/handover.html", context))


@require_http_methods(["GET", "HEAD", "POST"])
def contact_handover_confirm(request, token):
    """/<lang>/members/contact/<token>/: opening the link changes nothing; the button does."""
    try:
        handover = profile.contact_handover_read(token)
    except profile.HandoverError:
        return _private(render(request, "members/profile/handover_invalid.html", status=404))
    if request.method == "POST":
        try:
            organization = profile.contact_handover_confirm(token=token)
        except profile.HandoverError:
            return _private(render(request, "members/profile/handover_invalid.html", status=404))
        return _private(
            render(request, "members/profile/handover_done.html", {"organization": organization})
        )
    context = {"handover": handover, "organization": handover.organization}
    return _private(render(request, "members/profile/handover_confirm.html", context))
