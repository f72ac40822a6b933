"""gRPC transport: servicers (proto <-> use cases, nothing else), interceptors, the error table, the server."""
