"""Blob storage: ``s3://bucket/key`` locations, the configuration hash both sides compare, and
the interface a storage provider implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rxon_core._native import RXON_BLOB_SCHEME, calculate_config_hash, parse_uri
from rxon_core.models import FileMetadata

__all__ = ["RXON_BLOB_SCHEME", "calculate_config_hash", "parse_uri", "BlobProvider"]


class BlobProvider(ABC):
    """A blob store (S3, GCS, local disk) that heavy task data is exchanged through by URI."""

    @abstractmethod
    async def upload(self, local_path: str, uri: str) -> FileMetadata:
        """Stores the file at ``local_path`` under ``uri``; returns its metadata."""

    @abstractmethod
    async def download(self, uri: str, local_path: str) -> bool:
        """Fetches ``uri`` into ``local_path``."""

    @abstractmethod
    async def get_metadata(self, uri: str) -> dict[str, Any] | None:
        """Size, etag and content type of ``uri`` (``None`` if absent)."""

    @abstractmethod
    async def delete(self, uri: str) -> bool:
        """Deletes one object."""

    @abstractmethod
    async def delete_dir(self, uri: str) -> bool:
        """Deletes every object under the prefix ``uri``."""
