"""``bulkheads verify``: is what runs right now still isolated as the stack declares?

Boundary by boundary — access (real logins as each principal), drift (ACLs, SCRAM users,
topic configs, quotas against the plan), quota (entities as planned, an optional throttle
probe) and runtime (each pool's connectors, group and logins are its own) — each check a
:class:`~bulkheads.verify.findings.Finding` with its evidence.
"""
