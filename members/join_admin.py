"""Admin for requests to join (the review queue)."""
