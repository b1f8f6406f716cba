#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Checks every object of a Kubernetes manifest against the API's types as
the official Python client (Debian's python3-kubernetes) generates them from
the Kubernetes OpenAPI spec: every field must be one the type has (a typo
such as `readOnly` spelled `readonly`, or a field put one level off, is an
error, where kubectl without a cluster checks nothing), every value must
have the field's type, and the client's constructors refuse a missing
required field. Prints one line per problem; exit 1 on any.

usage: k8s_schema.py MANIFEST"""
import re
import sys

import yaml
from kubernetes import client

# kind -> the client's model of it
KINDS = {
    ("v1", "Namespace"): "V1Namespace",
    ("v1", "ServiceAccount"): "V1ServiceAccount",
    ("v1", "ConfigMap"): "V1ConfigMap",
    ("v1", "Service"): "V1Service",
    ("apps/v1", "DaemonSet"): "V1DaemonSet",
    ("rbac.authorization.k8s.io/v1", "ClusterRole"): "V1ClusterRole",
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"): "V1ClusterRoleBinding",
}
PRIMITIVE = {"str": str, "int": int, "float": (int, float), "bool": bool}
problems = []


def check(value, typ, path):
    m = re.fullmatch(r"list\[(.+)\]", typ)
    if m:
        if not isinstance(value, list):
            problems.append(f"{path}: want a list ({typ}), got {type(value).__name__}")
            return
        for i, v in enumerate(value):
            check(v, m.group(1), f"{path}[{i}]")
        return
    m = re.fullmatch(r"dict\(str, (.+)\)", typ)
    if m:
        if not isinstance(value, dict):
            problems.append(f"{path}: want a mapping ({typ}), got {type(value).__name__}")
            return
        for k, v in value.items():
            check(v, m.group(1), f"{path}.{k}")
        return
    if typ == "object":  # IntOrString, Quantity, RawExtension: anything JSON
        return
    if typ in ("datetime", "date"):
        typ = "str"
    if typ in PRIMITIVE:
        ok = isinstance(value, PRIMITIVE[typ]) and not (typ != "bool" and isinstance(value, bool))
        if not ok:
            problems.append(f"{path}: want {typ}, got {type(value).__name__} {value!r}")
        return
    model = getattr(client, typ, None)
    if model is None:
        problems.append(f"{path}: the client has no type {typ}")
        return
    if not isinstance(value, dict):
        problems.append(f"{path}: want a {typ} mapping, got {type(value).__name__}")
        return
    by_json = {j: a for a, j in model.attribute_map.items()}
    for k, v in value.items():
        if k not in by_json:
            problems.append(f"{path}.{k}: {typ} has no field {k!r} "
                            f"(it has: {', '.join(sorted(by_json))})")
            continue
        check(v, model.openapi_types[by_json[k]], f"{path}.{k}")


def main():
    with open(sys.argv[1]) as f:
        docs = [d for d in yaml.safe_load_all(f) if d is not None]
    api = client.ApiClient()
    for i, d in enumerate(docs):
        key = (d.get("apiVersion"), d.get("kind"))
        name = f"{key[1]}/{d.get('metadata', {}).get('name', f'#{i}')}"
        if key not in KINDS:
            problems.append(f"{name}: no model for {key}")
            continue
        check(d, KINDS[key], name)
        try:  # the constructors refuse a required field that is missing
            api._ApiClient__deserialize(d, KINDS[key])
        except (ValueError, TypeError) as e:
            problems.append(f"{name}: {e}")
        print(f"{name}: checked against {KINDS[key]}")
    for p in problems:
        print(f"SCHEMA: {p}")
    return 1 if problems else 0


sys.exit(main())
