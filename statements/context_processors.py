def campaign(request):
    """The campaign the navigation links to: at most one query, kept under the page cache's
    generation (which a campaign's save or delete replaces), in the process too."""
    from icnk.cache import per_generation
    from statements.queries import featured_campaign

    return {"active_campaign": per_generation("featured-campaign", featured_campaign)}
