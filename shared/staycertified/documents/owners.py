"""Who owns an upload, per purpose: a small registry, so that each capability
plugs its own owner in (AUDIT: the audit case; RECERTIFICATION: the application).

An owner store answers two questions and hears one fact:

    class MyUploads:
        def upload_owner(self, table, member_id, owner_id, today) -> UploadOwner | None:
            # the member's own owner with this id (None if not theirs or unknown):
            # open?, deadline, which itemIds may get a document
        def document_received(self, table, document: StoredDocument) -> None:
            # a document passed the bucket's checks (called again on a replay: idempotent)

Register it by dotted path (imported on first use, so a cold start pays only for
the purpose it serves), in `OWNER_STORES` below or with `register()`.
"""

from __future__ import annotations

import importlib
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from staycertified.domain.documents import UploadOwner, UploadPurpose

if TYPE_CHECKING:  # pragma: no cover
    from staycertified.store.documents import StoredDocument


class OwnerStore(Protocol):
    def upload_owner(
        self, table: Any, member_id: str, owner_id: str, today: date
    ) -> UploadOwner | None: ...

    def document_received(self, table: Any, document: StoredDocument) -> None: ...


OWNER_STORES: dict[UploadPurpose, str] = {
    UploadPurpose.AUDIT: "staycertified.audits.case:AUDIT_UPLOADS",
    UploadPurpose.RECERTIFICATION: "staycertified.recertification.uploads:RECERTIFICATION_UPLOADS",
}
_loaded: dict[UploadPurpose, OwnerStore] = {}


def register(purpose: UploadPurpose, store: OwnerStore | str) -> None:
    """Plug an owner store in for a purpose (an object, or "module:attribute")."""
    _loaded.pop(purpose, None)
    if isinstance(store, str):
        OWNER_STORES[purpose] = store
    else:
        _loaded[purpose] = store


def owner_store(purpose: UploadPurpose) -> OwnerStore | None:
    """The store of a purpose; None while the capability is not installed."""
    if purpose not in _loaded:
        path = OWNER_STORES.get(purpose)
        if path is None:
            return None
        module_name, _, attribute = path.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as missing:
            if missing.name is not None and module_name.startswith(missing.name):
                return None
            raise
        _loaded[purpose] = getattr(module, attribute)
    return _loaded[purpose]


def resolve_owner(
    table: Any, purpose: UploadPurpose, member_id: str, owner_id: str, today: date
) -> UploadOwner | None:
    store = owner_store(purpose)
    return None if store is None else store.upload_owner(table, member_id, owner_id, today)
