"""`kg serve`: the store over HTTP (SPARQL endpoint, saved queries, Linked Data pages, query page)."""

from __future__ import annotations

from typing import Annotated

import typer

from kg.cli.console import StoreOption, friendly, store_path


@friendly
def serve(
    store: StoreOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    base: Annotated[str | None, typer.Option(
        help="Public address of the server (e.g. https://chipgraph.example.org/); "
             "https://w3id.org/chipgraph/id/… IRIs link to BASE/id/…  [default: each request's own address]")] = None,
    timeout: Annotated[float, typer.Option(help="Seconds a query may run before it is answered 503")] = 30.0,
    allow_update: Annotated[bool, typer.Option(
        "--allow-update", help="Accept SPARQL Update and Graph Store writes (needs --token)")] = False,
    token: Annotated[str | None, typer.Option(
        envvar="CHIPGRAPH_TOKEN", show_envvar=True, help="Bearer token that writes must carry")] = None,
    max_body: Annotated[int, typer.Option(help="Largest request body accepted, in bytes")] = 4 * 1024 * 1024,
    cache_mb: Annotated[float, typer.Option(
        help="Memory for repeating answers of a read-only server, in MB (0: off)")] = 64,
    allow_service: Annotated[list[str] | None, typer.Option(
        "--allow-service", metavar="URL",
        help="Endpoint a query's SERVICE may call, repeatable; 'none' for no endpoint "
             "(default: only https://query.wikidata.org/sparql)")] = None,
    client_timeout: Annotated[float, typer.Option(
        help="Seconds a client may take to send a request's headers, and its body (else 408)")] = 10.0,
    workers: Annotated[int | None, typer.Option(
        help="Processes serving the read-only store (a writable server uses one)  [default: one per core]")] = None,
) -> None:
    """Serve the store over HTTP: SPARQL endpoint, saved queries, Linked Data pages and a query page."""
    from kg.server.app import serve as run_server

    run_server(store_path(store), host=host, port=port, base=base, timeout=timeout, allow_update=allow_update,
               token=token, max_body=max_body, cache_mb=cache_mb, allow_service=allow_service,
               client_timeout=client_timeout, workers=workers)
