"""What isolation buys, measured: four failure scenarios run on the real local platform,
once with a stack's boundaries and once with its no-isolation baseline
(``bulkheads.plan.baseline``). ``stack`` declares the scenario estate, ``apply`` provisions
a plan without the engine, ``probes`` measures, ``scenarios`` runs the faults, ``report``
prints the isolated-vs-baseline table (``bench/isolation.py``, the integration tier)."""
