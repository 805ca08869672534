"""Immutable, hashable containers for the value objects: mappings frozen on construction."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["FrozenMap", "freeze", "freeze_fields"]


class FrozenMap(dict):
    """A mapping that cannot change and can be hashed: the value objects' mappings.

    A ``dict`` subclass, so that JSON, pandas, pydantic and Streamlit's cache hashing read it as
    the mapping it is; every method that would change it raises ``TypeError``.
    """

    __slots__ = ("_hash",)

    def __hash__(self) -> int:  # type: ignore[override]
        try:
            return self._hash
        except AttributeError:
            self._hash: int = hash(frozenset(self.items()))
            return self._hash

    def _immutable(self, *args: object, **kwargs: object) -> None:
        raise TypeError(f"{type(self).__name__} cannot be changed; make a new one")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _immutable  # type: ignore[assignment]
    __ior__ = _immutable  # type: ignore[assignment]

    def __reduce__(self) -> tuple[type, tuple[dict]]:
        return (type(self), (dict(self),))

    def __copy__(self) -> FrozenMap:
        return self

    def __deepcopy__(self, memo: dict) -> FrozenMap:
        return self


def freeze(value: object) -> object:
    """A value that cannot change: mappings become :class:`FrozenMap`, lists tuples (deeply)."""
    if isinstance(value, FrozenMap):
        return value
    if isinstance(value, Mapping):
        return FrozenMap((k, freeze(v)) for k, v in value.items())
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


def freeze_fields(obj: object, *names: str) -> None:
    """Freeze the named fields of a frozen dataclass in place (from ``__post_init__``)."""
    for name in names:
        object.__setattr__(obj, name, freeze(getattr(obj, name)))
