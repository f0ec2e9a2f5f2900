"""Render deploy/kubernetes/'s kustomizations in Python, for tests/test_kubernetes.py.

`kubectl apply -k` renders them with kustomize; the tests have no kubectl, and the schema
validator reads plain manifests. The overlays use only the part of kustomize that is simple
to reproduce exactly: `resources` (files and folders with their own kustomization.yaml),
`patches` given as JSON 6902 operations on a target named by kind and name, and `images`
(a new name and tag for a container image). Any other field, or a strategic-merge patch,
raises: an overlay that starts to use more of kustomize fails the tests until this renderer
(or the tests' choice of renderer) follows.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

Manifest = dict[str, Any]

SUPPORTED = {"apiVersion", "kind", "resources", "patches", "images"}
POD_SPEC_PATHS = {
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "Pod": ("spec",),
}


class UnsupportedKustomization(ValueError):
    """The kustomization uses a part of kustomize this renderer does not reproduce."""


def load_documents(path: Path) -> list[Manifest]:
    """Every YAML document of a manifest file (empty ones dropped)."""
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def _pointer(path: str) -> list[str]:
    if not path.startswith("/"):
        raise UnsupportedKustomization(f"a JSON patch path must start with /: {path!r}")
    return [part.replace("~1", "/").replace("~0", "~") for part in path[1:].split("/")]


def _apply_operation(document: Manifest, operation: dict[str, Any]) -> None:
    op = operation["op"]
    *parents, last = _pointer(operation["path"])
    node: Any = document
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if op in ("add", "replace"):
        value = copy.deepcopy(operation["value"])
        if isinstance(node, list):
            if last == "-":
                node.append(value)
            elif op == "add":
                node.insert(int(last), value)
            else:
                node[int(last)] = value
        else:
            if op == "replace" and last not in node:
                raise KeyError(f"replace of a missing field: {operation['path']}")
            node[last] = value
    elif op == "remove":
        del node[int(last) if isinstance(node, list) else last]
    else:
        raise UnsupportedKustomization(f"JSON patch operation {op!r}")


def _patch(documents: list[Manifest], patch: dict[str, Any]) -> None:
    target = patch.get("target") or {}
    if set(patch) - {"target", "patch"} or set(target) - {"kind", "name"}:
        raise UnsupportedKustomization(f"patch fields {sorted(patch)} / target {sorted(target)}")
    operations = yaml.safe_load(patch["patch"])
    if not isinstance(operations, list):
        raise UnsupportedKustomization("only JSON 6902 patches (a list of operations)")
    matched = [
        doc
        for doc in documents
        if doc["kind"] == target["kind"] and doc["metadata"]["name"] == target["name"]
    ]
    if len(matched) != 1:
        raise ValueError(f"patch target {target} matches {len(matched)} resources")
    for operation in operations:
        _apply_operation(matched[0], operation)


def _split_image(image: str) -> tuple[str, str]:
    """("name", ":tag" or "@digest" or "")."""
    if "@" in image:
        name, digest = image.split("@", 1)
        return name, f"@{digest}"
    slash = image.rfind("/")
    colon = image.rfind(":")
    if colon > slash:
        return image[:colon], image[colon:]
    return image, ""


def _set_images(documents: list[Manifest], images: list[dict[str, str]]) -> None:
    for image in images:
        if set(image) - {"name", "newName", "newTag"}:
            raise UnsupportedKustomization(f"images fields {sorted(image)}")
        for doc in documents:
            spec: Any = doc
            for key in POD_SPEC_PATHS.get(doc["kind"], ()):
                spec = spec.get(key, {})
            if doc["kind"] not in POD_SPEC_PATHS:
                continue
            for container in [*spec.get("containers", []), *spec.get("initContainers", [])]:
                name, suffix = _split_image(container["image"])
                if name != image["name"]:
                    continue
                if "newTag" in image:
                    suffix = f":{image['newTag']}"
                container["image"] = image.get("newName", name) + suffix


def render(folder: Path) -> list[Manifest]:
    """The manifests `kubectl kustomize folder` would give (same documents, any order)."""
    kustomization = yaml.safe_load((folder / "kustomization.yaml").read_text())
    unsupported = set(kustomization) - SUPPORTED
    if unsupported:
        raise UnsupportedKustomization(f"{folder}: {sorted(unsupported)}")
    if kustomization.get("kind") != "Kustomization":
        raise ValueError(f"{folder}/kustomization.yaml is not a Kustomization")
    documents: list[Manifest] = []
    for resource in kustomization.get("resources", []):
        path = (folder / resource).resolve()
        documents += render(path) if path.is_dir() else load_documents(path)
    for patch in kustomization.get("patches", []):
        _patch(documents, patch)
    _set_images(documents, kustomization.get("images", []))
    return documents
