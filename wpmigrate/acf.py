"""Advanced Custom Fields: turn the flat postmeta ACF writes back into fields.

ACF stores `name = value` plus a hidden reference `_name = field_<key>`. Repeaters store the
row count under `name` and rows under `name_<i>_<sub>`; flexible content stores a serialized
list of layout names; groups store `group_<sub>`. With the `acf-field` definitions (in a full
WXR export) we know each field's type; without them the same shapes are recognised from the
meta itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .phpdata import maybe_unserialize
from .values import int_or

CONTAINER_TYPES = {"repeater", "flexible_content", "group"}
ID_TYPES = {"image", "file", "post_object", "relationship", "gallery", "user", "taxonomy"}
_ROW_KEY = re.compile(r"^(\d+)_(.+)$")


@dataclass(frozen=True)
class FieldDefinition:
    key: str
    name: str
    type: str
    post_id: int = 0  # the acf-field post's id (0: unknown)
    parent_id: int = 0  # its post_parent: the field group, or the container field it sits in


class AcfDefinitions:
    """Field key -> definition, collected from `acf-field` posts as a source meets them."""

    def __init__(self) -> None:
        self.by_key: dict[str, FieldDefinition] = {}
        self.by_id: dict[int, FieldDefinition] = {}

    def add(
        self, key: str, name: str, settings: str, *, post_id: int = 0, parent_id: int = 0
    ) -> None:
        decoded = maybe_unserialize(settings)
        field_type = decoded.get("type", "") if isinstance(decoded, dict) else ""
        definition = FieldDefinition(key, name, str(field_type), post_id, parent_id)
        self.by_key[key] = definition
        if post_id:
            self.by_id[post_id] = definition

    def get(self, key: str | None) -> FieldDefinition | None:
        return self.by_key.get(key or "")

    def type_of(self, key: str | None) -> str | None:
        definition = self.get(key)
        return definition.type if definition else None

    def is_within(self, key: str | None, container_key: str | None) -> bool | None:
        """Whether field `key` sits (at any depth) inside container field `container_key`.

        None when the definitions cannot tell (either field unknown, or no post ids).
        """
        child, container = self.get(key), self.get(container_key)
        if child is None or container is None or not child.parent_id or not container.post_id:
            return None
        parent, seen = self.by_id.get(child.parent_id), set()
        while parent is not None and parent.post_id not in seen:
            if parent.post_id == container.post_id:
                return True
            seen.add(parent.post_id)
            parent = self.by_id.get(parent.parent_id)
        return False


def extract_fields(
    meta: dict[str, str],
    definitions: AcfDefinitions,
    repeated: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """All fields of one item: ACF fields rebuilt, plus other public (non-underscore) meta.

    `repeated` holds every value of a meta key the post has more than once (WordPress allows
    that; `meta` then holds the first, as `get_post_meta(..., true)` does): such a plain
    field becomes the list of all its values.
    """
    acf_names = [
        k for k in meta if not k.startswith("_") and str(meta.get("_" + k, "")).startswith("field_")
    ]
    builder = _Builder(meta, definitions, acf_names)
    fields: dict[str, Any] = {}
    nested = builder.nested_names()
    for name in acf_names:
        if name not in nested:
            value = builder.value(name)
            if value is not None and value != []:  # no value: no field, as over REST
                fields[name] = value
    for key, raw in meta.items():
        if key.startswith("_") or key in builder.is_acf or key in fields:
            continue
        values = (repeated or {}).get(key)
        if values:
            fields[key] = [_plain(maybe_unserialize(v)) for v in values]
        else:
            fields[key] = _plain(maybe_unserialize(raw))
    return fields


class _Builder:
    def __init__(self, meta: dict[str, str], definitions: AcfDefinitions, acf_names: list[str]):
        self.meta = meta
        self.definitions = definitions
        # A list, in the file's order: a row's keys come out in that order, run after run
        # (a set's order changes with every process's string hashing).
        self.acf_names = acf_names
        self.is_acf = frozenset(acf_names)

    def field_type(self, name: str) -> str | None:
        declared = self.definitions.type_of(self.meta.get("_" + name))
        if declared is not None:
            return declared
        raw = str(self.meta.get(name, ""))
        if raw.isdigit() and any(k.startswith(f"{name}_0_") for k in self.acf_names):
            return "repeater"
        if raw.startswith("a:") and any(k.startswith(f"{name}_0_") for k in self.acf_names):
            return "flexible_content"
        if raw == "" and any(k.startswith(f"{name}_") for k in self.acf_names):
            return "group"
        return None

    def nested_names(self) -> set[str]:
        """Names that belong inside a container field (rows and sub-fields)."""
        containers = self._containers(self.acf_names)
        return {n for n in self.acf_names for c in containers if self._belongs(c, n)}

    def _containers(self, names: Any) -> list[str]:
        return [n for n in names if self.field_type(n) in CONTAINER_TYPES]

    def _belongs(self, container: str, name: str) -> bool:
        """Whether meta `name` is a row or sub-field of `container` (at any depth)."""
        if name == container or not name.startswith(container + "_"):
            return False
        known = self.definitions.is_within(
            self.meta.get("_" + name), self.meta.get("_" + container)
        )
        if known is not None:
            return known
        if self.field_type(container) == "group":
            return True
        return _ROW_KEY.match(name[len(container) + 1 :]) is not None

    def value(self, name: str) -> Any:
        field_type = self.field_type(name)
        raw = self.meta.get(name, "")
        if field_type == "repeater":
            return [self._children(name, f"{name}_{i}_") for i in range(int_or(raw, 0))]
        if field_type == "flexible_content":
            layouts = maybe_unserialize(raw)
            layouts = list(layouts.values()) if isinstance(layouts, dict) else []
            return [
                {"acf_fc_layout": layout, **self._children(name, f"{name}_{i}_")}
                for i, layout in enumerate(layouts)
            ]
        if field_type == "group":
            return self._children(name, f"{name}_")
        return _typed(maybe_unserialize(raw), field_type)

    def _children(self, container: str, prefix: str) -> dict[str, Any]:
        """The direct sub-fields of `container` under `prefix` (one row, or the group itself);
        deeper rows belong to nested containers."""
        under = [n for n in self.acf_names if n.startswith(prefix) and self._belongs(container, n)]
        containers = self._containers(under)
        direct = [n for n in under if not any(self._belongs(c, n) for c in containers)]
        return {n[len(prefix) :]: self.value(n) for n in direct}


def _typed(value: Any, field_type: str | None) -> Any:
    value = _plain(value)
    if field_type == "true_false":
        return str(value).strip() in {"1", "true"}
    if value == "":
        return None  # ACF's "no value", as its REST API gives it (null)
    if field_type == "number":
        return _number(value)
    if field_type in ID_TYPES:
        if isinstance(value, list):
            return [_int_or_keep(v) for v in value]
        return _int_or_keep(value) if value != "" else None
    return value


def _plain(value: Any) -> Any:
    """PHP arrays with keys 0..n-1 become lists; other arrays stay objects."""
    if isinstance(value, dict):
        if list(value.keys()) == list(range(len(value))):
            return [_plain(v) for v in value.values()]
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _int_or_keep(value: Any) -> Any:
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value


def _number(value: Any) -> Any:
    if not isinstance(value, str) or value == "":
        return value if value != "" else None
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            return value
