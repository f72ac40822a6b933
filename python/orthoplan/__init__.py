"""orthoplan: clear-aligner treatment planning backend."""
