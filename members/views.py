def home_context(request):
    """What the home page shows of the members (filled in by the members views)."""
    return {}
