"""The operations layer: alert rules, runbooks, diagrams and live status, from spec and plan."""
