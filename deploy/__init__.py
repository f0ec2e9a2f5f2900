"""Serving the app: the warm launcher, nginx in front of replicas (local and Docker)."""
