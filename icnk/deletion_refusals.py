"""Deletions the desk refuses for a reason of its own, not because of a protected object.

Django's delete page and its "Delete selected" action refuse a deletion when
`get_deleted_objects()` returns "protected" objects, and list them under "would require
deleting the following protected related objects". A reason such as "journalists hold it under
an embargo" is not an object, so `RefusesDeletion` returns its reasons as `DeletionRefusal`s
among the protected ones (Django still deletes nothing), and its templates show them under a
heading of their own, with any real protected objects under Django's.

The check and the deletion are one transaction (Django's delete page is one already; the
action is made one here), and on a POST `lock_for_deletion()` is taken and the objects read
again before anything is checked, so that nothing the check looks at changes before the rows
are gone.
"""

import dataclasses

from django.contrib.admin.actions import delete_selected
from django.contrib.admin.options import ActionLocation
from django.db import router, transaction


class DeletionRefusal(str):
    """A sentence saying why something cannot be deleted yet."""

    is_refusal = True


class RefusesDeletion:
    """ModelAdmin mixin. Subclasses give `deletion_refusals(objs)`, sentences (one per reason),
    and, when the reasons can change under a concurrent request, `lock_for_deletion(objs)`."""

    delete_confirmation_template = "admin/refused_deletion/delete_confirmation.html"
    delete_selected_confirmation_template = (
        "admin/refused_deletion/delete_selected_confirmation.html"
    )

    def deletion_refusals(self, objs):
        return []

    def lock_for_deletion(self, objs):
        """Lock what the refusals are read from; runs in the deleting transaction."""

    def get_deleted_objects(self, objs, request):
        objs = list(objs)
        if request.method == "POST":  # Django's delete page deletes on any POST, not only "post"
            # Locked first, then read again: what is deleted and why not, as it now stands.
            self.lock_for_deletion(objs)
            objs = list(self.model._default_manager.filter(pk__in=[obj.pk for obj in objs]))
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        refusals = [DeletionRefusal(reason) for reason in self.deletion_refusals(objs)]
        return deleted, counts, perms_needed, [*protected, *refusals]

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        if "delete_selected" in actions:
            actions["delete_selected"] = dataclasses.replace(
                actions["delete_selected"], func=delete_selected_at_once
            )
        return actions


def delete_selected_at_once(modeladmin, request, queryset):
    """Django's "Delete selected" action, its check and its deletion in one transaction (the
    actions were filtered by permission, Django's own among them, before this replaces it)."""
    with transaction.atomic(using=router.db_for_write(modeladmin.model)):
        return delete_selected(modeladmin, request, queryset)
