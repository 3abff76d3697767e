"""Pure helpers for Kafka Connect: REST calls, connector config rendering, diffing.

No pulumi import here: the dynamic providers in ``components/`` import these
inside their methods, and tests call them directly against a real worker.
"""
