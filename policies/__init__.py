"""The bulkheads CrossGuard policy pack: the isolation doctrine as rules (see RULES.md)."""
