"""`kg serve`: the store over HTTP for people and programs (`kg.server.app` lists the routes and
how the modules depend on each other)."""

from kg.server.app import create_app, serve

__all__ = ["create_app", "serve"]
