"""The gateway backend: one FastAPI app, LiteLLM's proxy mounted in-process."""
