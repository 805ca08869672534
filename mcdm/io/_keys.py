"""The keys a settings table allows, derived once from the dataclasses of :mod:`mcdm.model`.

A scenario's nested keys, an archetype's and the parameters' are not listed anywhere else: the
"did you mean" of a misspelt key in a file and the check of a sweep's ``--vary`` key both ask
:func:`keys_under` (through :func:`mcdm.io.scenario.scenario_keys` for a scenario).
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Mapping, Sequence
from enum import Enum

from ..model import Archetype, Scenario

__all__ = ["RESERVED", "Named", "keys_under"]


#: Fields that a file may not set: the scenario's own path, an archetype's id (its table name).
RESERVED: dict[type, tuple[str, ...]] = {Scenario: ("source_path",), Archetype: ("archetype_id",)}

#: For a mapping keyed by free text (ids, criteria), named by its field: its keys, and what each
#: entry holds (a type, or the keys of a flat table of settings).
Named = Mapping[str, tuple[Sequence[str], object]]


def keys_under(
    root: type, path: Sequence[str], named: Named | None = None
) -> tuple[str, ...] | None:
    """The keys a TOML table of type ``root`` allows under ``path`` (``()``: the top level).

    Derived from the dataclasses of :mod:`mcdm.model`: a dataclass's fields (without
    :data:`RESERVED` ones), the members of the enum or ``Literal`` that keys a mapping, the
    fields of the dataclass an array of tables holds, and for a mapping keyed by free text what
    ``named`` says. Empty below a single setting; None if ``path`` names nothing.
    """
    node: tuple[object, str] = (root, "")
    for part in path:
        child = _children(node, named or {}).get(part)
        if child is None:
            return None
        node = child
    return tuple(_children(node, named or {}))


def _children(node: tuple[object, str], named: Named) -> dict[str, tuple[object, str]]:
    """Each key of a table, with its type and name; empty for a single setting."""
    tp, name = _table_type(node[0]), node[1]
    if isinstance(tp, tuple):  # a flat table of these keys (the columns an override may set)
        return {key: (object, key) for key in tp}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return {key: (hint, key) for key, hint in _field_types(tp).items()}
    if typing.get_origin(tp) in (Mapping, dict):
        key_type, value_type = typing.get_args(tp)
        if isinstance(key_type, type) and issubclass(key_type, Enum):
            keys: Sequence[str] = [str(k.value) for k in key_type]
        elif typing.get_origin(key_type) is typing.Literal:
            keys = [str(k) for k in typing.get_args(key_type)]
        elif name in named:
            keys, value_type = named[name]
        else:
            keys = []
        return {key: (value_type, key) for key in keys}
    return {}


def _table_type(tp: object) -> object:
    """``X | None`` as ``X``; an array of tables (``tuple[X, ...]``) as the table ``X``."""
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        kept = [a for a in args if a is not type(None)]
        return _table_type(kept[0]) if len(kept) == 1 else tp
    if typing.get_origin(tp) is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = args[0]
        return item if isinstance(item, type) and dataclasses.is_dataclass(item) else tp
    return tp


@functools.cache
def _field_types(cls: type) -> dict[str, object]:
    hints = typing.get_type_hints(cls)
    hidden = RESERVED.get(cls, ())
    return {f.name: hints[f.name] for f in dataclasses.fields(cls) if f.name not in hidden}
