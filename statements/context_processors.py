def campaign(request):
    """The active campaign, for the main navigation (filled in with the statements views)."""
    return {"active_campaign": None}
