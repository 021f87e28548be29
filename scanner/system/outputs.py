"""What a scan writes: the report, the HTML report and the inventory. One that cannot be written
(a full disk, a read-only directory, an inventory that refuses writes) is its own failure, exit
code 5, never mistaken for findings (1) or for sources that could not be scanned (3)."""

from __future__ import annotations

EXIT_OUTPUT = 5


class OutputError(Exception):
    """The report or the inventory cannot be written; the message says which, where and why."""


def cannot_write(what: str, target: str, exc: BaseException) -> OutputError:
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
    shown = "standard output" if target == "-" else target
    return OutputError(f"cannot write the {what} to {shown}: {reason}")


class Output:
    """A report writer whose OSErrors are OutputErrors naming the file. After a failure, closing
    it is quiet: the failure has been told, and closing would only fail the same way again."""

    def __init__(self, writer, what: str, target: str):
        self.writer, self.what, self.target = writer, what, target
        self.failed = False

    def __getattr__(self, name):  # NAME and whatever else a caller asks of the writer itself
        return getattr(self.writer, name)

    def write(self, record: dict) -> None:
        try:
            self.writer.write(record)
        except OSError as exc:
            self.failed = True
            raise cannot_write(self.what, self.target, exc) from None

    def close(self) -> None:
        try:
            self.writer.close()
        except OSError as exc:
            if not self.failed:
                self.failed = True
                raise cannot_write(self.what, self.target, exc) from None
