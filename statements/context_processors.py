def campaign(request):
    """The campaign the navigation links to: at most one query, cached for a few minutes, and
    kept in the process while the page cache's generation (which a campaign's save replaces)
    stands."""
    from icnk.cache import per_generation
    from statements.queries import featured_campaign

    return {"active_campaign": per_generation("featured-campaign", featured_campaign)}
