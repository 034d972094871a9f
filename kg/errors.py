"""One family of errors whose messages a user can act on.

Library code raises these; the CLI prints the message in one line and exits with status 1,
never a traceback. Wrap third-party exceptions at the boundary where the file is known.
"""

from __future__ import annotations


class KgError(Exception):
    """An expected failure: says what is wrong, where (file, line) and what to do.

    `hint` says what to do in the words of the command line (`--param chip=…`); `web_hint`, where
    it differs, in those of the HTTP server (`?chip=…`), which shows it instead.
    """

    def __init__(self, message: str, *, path: object | None = None, line: int | None = None,
                 hint: str | None = None, web_hint: str | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.hint = hint
        self.web_hint = web_hint
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line is not None else f"{self.path}: "
        tail = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.message}{tail}"


class DataFileError(KgError):
    """A data file shipped with or given to Chipgraph (lexicon, ontology, query) is malformed."""


class InputError(KgError):
    """An input article, folder or manifest cannot be used."""


class QueryError(KgError):
    """A SPARQL query or saved-query parameter is invalid."""


class StoreError(KgError):
    """The store cannot be opened or written."""
