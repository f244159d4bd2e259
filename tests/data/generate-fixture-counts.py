#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Expected objects per file and kind for tests/data/fixtures/, computed independently of our C++ loader.

Writes tests/data/fixture-counts.tsv (columns: file, kind, count), which tests/models/tst_fixtures.cpp compares with
io::loadSnapshot's LoadReport::kept. Run it again when the fixtures change:

    python3 tests/data/generate-fixture-counts.py

Only PyYAML and json are used; nothing here reads our loader's code or output. The rules are the snapshot spec:

* inputs: every *.yaml, *.yml and *.json file under fixtures/ (audit logs *.log, *.tsv, *.md are no snapshot input);
* a YAML file is a stream of documents (yaml.safe_load_all), a JSON file one document (json.load);
* a document with `items` is a list (`kind: List`, `kind: <Kind>List`, or no kind at all): its items are the objects;
  an item without kind/apiVersion takes them from the list (for a `<Kind>List`: kind <Kind>, the list's apiVersion);
* an object is kept when (apiVersion, kind) is one of
    rbac.authorization.k8s.io/*  Role, ClusterRole, RoleBinding, ClusterRoleBinding
    v1                           Namespace, ServiceAccount, Secret, Pod, Node
    apps/*, extensions/*         Deployment, StatefulSet, DaemonSet, ReplicaSet
    batch/*                      Job, CronJob
    apiextensions.k8s.io/*       CustomResourceDefinition
    v1                           ConfigMap, only kube-system/kube-apiserver-legacy-service-account-token-tracking
  and it has a non-empty metadata.name (a YAML null reads as absent, as sigs.k8s.io/yaml does);
* duplicates (same kind, namespace, name) count once: per file for the per-file rows, across all files for the
  whole-folder rows. A namespaced object without metadata.namespace is in "default" (the loader's default, like
  kubectl's context namespace); cluster-scoped objects have no namespace, whatever metadata.namespace says.

Row forms:
    <file>  <Kind>  <n>     the file keeps n objects of Kind
    <file>  -       0       the file keeps nothing (it is still loaded; see the C++ test for expected diagnostics)
    *       <Kind>  <n>     loading the whole fixtures/ folder at once keeps n objects of Kind
A file PyYAML/json cannot parse would get the row `<file> !unparsable 0` (none does today).
"""

import json
import os
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
OUTPUT = os.path.join(HERE, "fixture-counts.tsv")

INPUT_SUFFIXES = (".yaml", ".yml", ".json")

CLUSTER_SCOPED = {"ClusterRole", "ClusterRoleBinding", "Namespace", "Node", "CustomResourceDefinition"}


def group_of(api_version):
    return api_version.split("/", 1)[0] if "/" in api_version else ""


def kept_kind(api_version, kind, namespace, name):
    """The kind name the object is kept as, or None when a snapshot does not keep it."""
    group = group_of(api_version)
    if group == "rbac.authorization.k8s.io" and kind in ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"):
        return kind
    if api_version == "v1" and kind in ("Namespace", "ServiceAccount", "Secret", "Pod", "Node"):
        return kind
    if group in ("apps", "extensions") and kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"):
        return kind
    if group == "batch" and kind in ("Job", "CronJob"):
        return kind
    if group == "apiextensions.k8s.io" and kind == "CustomResourceDefinition":
        return kind
    if (api_version == "v1" and kind == "ConfigMap" and namespace == "kube-system"
            and name == "kube-apiserver-legacy-service-account-token-tracking"):
        return kind
    return None


def text(value):
    """A scalar as the string it reads as (sigs.k8s.io/yaml turns scalars into JSON values); None if absent."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None  # a mapping or a list is no string


def objects_of(document):
    """(object, fallbackKind, fallbackApiVersion) for one parsed document."""
    if not isinstance(document, dict):
        return []
    items = document.get("items")
    kind = text(document.get("kind")) or ""
    if isinstance(items, list) and (kind == "" or kind.endswith("List")):
        item_kind = kind[: -len("List")] if kind.endswith("List") and kind != "List" else ""
        item_api = (text(document.get("apiVersion")) or "") if item_kind else ""
        return [(item, item_kind, item_api) for item in items]
    return [(document, "", "")]


def keys_of(document):
    """The (kind, namespace, name) keys of the objects a document contributes."""
    keys = []
    for obj, fallback_kind, fallback_api in objects_of(document):
        if not isinstance(obj, dict):
            continue
        kind = text(obj.get("kind")) or fallback_kind
        api_version = text(obj.get("apiVersion")) or fallback_api
        meta = obj.get("metadata")
        if not isinstance(meta, dict):
            continue
        name = text(meta.get("name"))
        if not name:
            continue
        namespace = text(meta.get("namespace")) or ""
        kept = kept_kind(api_version, kind, namespace or "default", name)
        if kept is None:
            continue
        if kept in CLUSTER_SCOPED:
            namespace = ""
        elif not namespace:
            namespace = "default"
        keys.append((kept, namespace, name))
    return keys


def parse(path):
    with open(path, "rb") as f:
        data = f.read()
    if path.endswith(".json"):
        return [json.loads(data.decode("utf-8"))]
    return list(yaml.safe_load_all(data.decode("utf-8")))


def count(keys):
    counts = {}
    for kind, _ns, _name in set(keys):
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def main():
    files = []
    for root, dirs, names in os.walk(FIXTURES):
        dirs.sort()
        for n in names:
            if n.endswith(INPUT_SUFFIXES):
                files.append(os.path.relpath(os.path.join(root, n), FIXTURES).replace(os.sep, "/"))
    files.sort()
    rows = []
    all_keys = []
    for rel in files:
        try:
            documents = parse(os.path.join(FIXTURES, rel))
        except (yaml.YAMLError, ValueError, UnicodeDecodeError) as e:
            print(f"{rel}: cannot parse: {e}", file=sys.stderr)
            rows.append((rel, "!unparsable", 0))
            continue
        keys = []
        for d in documents:
            keys.extend(keys_of(d))
        all_keys.extend(keys)
        counts = count(keys)
        if not counts:
            rows.append((rel, "-", 0))
        for kind in sorted(counts):
            rows.append((rel, kind, counts[kind]))
    total = count(all_keys)
    for kind in sorted(total):
        rows.append(("*", kind, total[kind]))
    with open(OUTPUT, "w", encoding="utf-8", newline="\n") as out:
        out.write("# Generated by generate-fixture-counts.py from fixtures/ (PyYAML, independent of the C++ loader).\n")
        out.write("file\tkind\tcount\n")
        for r in rows:
            out.write(f"{r[0]}\t{r[1]}\t{r[2]}\n")
    print(f"{len(files)} files, {len(rows)} rows -> {os.path.relpath(OUTPUT)}")


if __name__ == "__main__":
    main()
