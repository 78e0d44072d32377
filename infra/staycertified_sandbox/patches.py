"""Attributes of moto replaced for a Sandbox's lifetime, and put back afterwards."""

from __future__ import annotations

from typing import Any

_ABSENT = object()


class Patches:
    """Every replacement made, with what it replaced; `undo()` restores them in reverse."""

    def __init__(self) -> None:
        self._undo: list[tuple[Any, str, Any]] = []

    def replace(self, owner: Any, name: str, value: Any) -> Any:
        """Set `owner.name` to `value`; returns the attribute it replaces (the original)."""
        own = vars(owner)
        self._undo.append((owner, name, own.get(name, _ABSENT)))
        original = getattr(owner, name)
        setattr(owner, name, value)
        return original

    def undo(self) -> None:
        while self._undo:
            owner, name, previous = self._undo.pop()
            if previous is _ABSENT:
                delattr(owner, name)
            else:
                setattr(owner, name, previous)
