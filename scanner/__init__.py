"""kartlegg: find personal data in databases, object stores, files and logs."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kartlegg")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"
