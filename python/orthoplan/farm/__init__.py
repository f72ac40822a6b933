"""The planning executor: runs planning jobs from the database. In-process by default (a worker
pool inside the server); the executor interface lets a farm take the same jobs."""
