from members import join_admin  # noqa: F401  (registers the join-request review queue)
