"""Reads about drives that the admin's pages share."""

from drives.models import Drive, Invitation


def drives_in_progress():
    """Drives still taking answers, soonest deadline first, each with `signed`, `declined` and
    `waiting` counts (taken-down people left out): for the secretariat's dashboard. Two queries.
    """
    drives = list(Drive.objects.in_progress().select_related("statement").order_by("deadline"))
    counts = {drive.pk: {"signed": 0, "declined": 0, None: 0} for drive in drives}
    rows = (
        Invitation.objects.filter(drive__in=drives)
        .not_taken_down()
        .with_latest_answer()
        .values_list("drive_id", "latest_choice")
    )
    for drive_id, choice in rows:
        counts[drive_id][choice] += 1
    for drive in drives:
        drive.signed = counts[drive.pk]["signed"]
        drive.declined = counts[drive.pk]["declined"]
        drive.waiting = counts[drive.pk][None]
    return drives
