"""Generated gRPC code for orthoplan.v1 (scripts/gen_protos.py); never edit by hand."""
