"""Use cases: fn(uow, principal, ...) over the domain and the store; one transaction per call."""
