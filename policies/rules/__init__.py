"""Rule modules of the pack; :mod:`policies.rules.registry` lists them all."""
