def home_context(request):
    """What the home page shows of statements and the campaign (filled in by the views)."""
    return {}
