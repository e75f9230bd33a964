def campaign(request):
    """The campaign the navigation links to: at most one query, cached for a few minutes."""
    from statements.queries import featured_campaign

    return {"active_campaign": featured_campaign()}
