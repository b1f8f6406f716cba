#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Fails when engine/'s folders stop depending one way (docs/architecture.md).

Checks, from the sources and the CMake files alone (no build needed):
  1. every #include "folder/x.h" between engine folders goes down the declared
     order (LAYERS below): a folder may include its own layer or lower ones;
  2. no include cycle between engine folders (implied by 1, reported apart
     because a cycle is the harder failure to read);
  3. no .c file is listed in two CMake targets (add_library/add_executable);
  4. every target_link_libraries between engine libraries goes down the same
     order, and none forms a cycle (a library is the folder of its sources; a
     library without sources, a bundle that hides what really links, is refused).

Usage: check-layering.py [SOURCE_DIR]   (default: the repository root)
       check-layering.py --graph        prints the folder include graph
Exit status 1 and one line per violation on failure.
"""
import os
import re
import sys

# Lowest first. A folder may include headers of its own layer and the layers
# before it, never of a later one. Folders on one line share a layer (they do
# not include each other at all, or only one way, which rule 2 still checks).
LAYERS = [
    ["metrics", "decimal", "confine", "syscalls", "util"],  # leaves: metrics registry,
        # decimal formatting, self-confinement, the syscall table, string builder/hash set
    ["decode"],                      # probe record -> struct vg_event, a read-only view
    ["state"],                       # processes, fds, cgroups; the derived values
    ["container", "replay"],         # cgroup -> container; JSON lines -> records
    ["fields"],                      # field extractors over event + state
    ["rules"],                       # rule language: load, compile, evaluate, format
    ["enforce", "interest"],         # rules -> kernel tables; rules -> syscall set
    ["kernel"],                      # loads and drives the BPF side (probes, maps)
    ["alert"],                       # (rule, eval ctx) -> alert JSON; event JSON
    ["delivery"],                    # alert JSON -> outputs
    ["ratelimit"],                   # alert budgets (its summary goes to delivery)
    ["plugin"],                      # plugins: their sources and fields (include/vigil/plugin.h)
    ["config"],                      # vigil.yaml -> struct vg_config (of all the above)
    ["fleet"],                       # rules from a JetStream bucket, heartbeats
    ["capture"],                     # capture files
    ["engine"],                      # the engine object owning the stages
    ["cli", "main"],                 # commands
]
# Includes against the order that other work of issue 19 removes; each is
# allowed until it is gone, and the check fails once it is gone and still
# listed here, so the list only shrinks. (from folder, to folder): why.
KNOWN = {
}
RANK = {f: i for i, layer in enumerate(LAYERS) for f in layer}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
TARGET = re.compile(r'(?:add_library|add_executable|vigil_folder_library)\s*\(\s*'
                    r'([A-Za-z0-9_${}.-]+)([^)]*)\)', re.S)
# Files that are their own unit, not their folder's: the syscall table and the
# evt.type names made from it are a leaf that every stage reads, while the
# rest of kernel/ drives the BPF side.
UNITS = {"kernel/syscall_table": "syscalls", "kernel/evttypes": "syscalls"}


def folder_of(engine, path):
    """The engine folder of a file: its first directory, or its stem at engine/'s top."""
    rel = os.path.relpath(path, engine)
    stem = os.path.splitext(rel)[0]
    if stem in UNITS:
        return UNITS[stem]
    parts = rel.split(os.sep)
    return parts[0] if len(parts) > 1 else os.path.splitext(parts[0])[0]


def include_graph(engine):
    """{(from_folder, to_folder): [file:line, ...]} for includes between engine folders."""
    edges = {}
    for root, _, files in os.walk(engine):
        for name in files:
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(root, name)
            src = folder_of(engine, path)
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
            for m in INCLUDE.finditer(text):
                inc = m.group(1)
                if inc.startswith("vigil/"):
                    continue  # include/vigil: below everything
                target = os.path.join(engine, inc)
                if not os.path.exists(target):
                    continue  # same-folder include, or a generated header
                dst = folder_of(engine, target)
                if dst == src:
                    continue
                line = text.count("\n", 0, m.start()) + 1
                rel = os.path.relpath(path, os.path.dirname(engine))
                edges.setdefault((src, dst), []).append(f"{rel}:{line}: #include \"{inc}\"")
    return edges


def cycles(edges):
    """Strongly connected components of more than one folder (Tarjan)."""
    graph = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def cmake_sources(srcdir):
    """{absolute .c path: [target, ...]} over every CMakeLists.txt of the tree."""
    owners = {}
    for root, dirs, files in os.walk(srcdir):
        dirs[:] = [d for d in dirs if not d.startswith((".", "build"))]
        if "CMakeLists.txt" not in files:
            continue
        with open(os.path.join(root, "CMakeLists.txt"), encoding="utf-8") as f:
            text = re.sub(r"#[^\n]*", "", f.read())
        for m in TARGET.finditer(text):
            for tok in m.group(2).split():
                if not tok.endswith(".c") or "$<" in tok:
                    continue
                tok = tok.replace("${CMAKE_CURRENT_SOURCE_DIR}", root)
                tok = tok.replace("${CMAKE_SOURCE_DIR}", srcdir)
                if "${" in tok:
                    continue
                path = os.path.normpath(os.path.join(root, tok))
                owners.setdefault(path, []).append(
                    f"{os.path.relpath(root, srcdir)}:{m.group(1)}")
    return owners


LINK = re.compile(r'target_link_libraries\s*\(\s*([A-Za-z0-9_-]+)([^)]*)\)', re.S)


def cmake_files(root_dir):
    """(directory, text without comments) of every CMakeLists.txt under root_dir."""
    for root, dirs, files in os.walk(root_dir):
        dirs[:] = [d for d in dirs if not d.startswith((".", "build"))]
        if "CMakeLists.txt" in files:
            with open(os.path.join(root, "CMakeLists.txt"), encoding="utf-8") as f:
                yield root, re.sub(r"#[^\n]*", "", f.read())


def link_graph(engine):
    """({library: folder}, {(from_folder, to_folder): [where]}) of engine/'s libraries."""
    folder, links, errors = {}, [], []
    for root, text in cmake_files(engine):
        for m in TARGET.finditer(text):
            srcs = [t for t in m.group(2).split() if t.endswith(".c")]
            if srcs:
                folder.setdefault(m.group(1), folder_of(engine, os.path.join(root, srcs[0])))
            elif "INTERFACE" in m.group(2).split():
                errors.append(f"{os.path.relpath(root, os.path.dirname(engine))}/CMakeLists.txt: "
                              f"{m.group(1)} is a library without sources: link the folder "
                              f"libraries that hold the code instead")
        for m in LINK.finditer(text):
            rel = os.path.relpath(root, os.path.dirname(engine))
            links += [(m.group(1), t, f"{rel}/CMakeLists.txt: {m.group(1)} links {t}")
                      for t in m.group(2).split()]
    edges = {}
    for a, b, where in links:
        if a in folder and b in folder and folder[a] != folder[b]:
            edges.setdefault((folder[a], folder[b]), []).append(where)
    return edges, errors


def main():
    args = sys.argv[1:]
    graph_only = "--graph" in args
    args = [a for a in args if a != "--graph"]
    srcdir = os.path.abspath(args[0] if args else os.path.join(os.path.dirname(__file__), ".."))
    engine = os.path.join(srcdir, "engine")
    edges = include_graph(engine)
    if graph_only:
        for (a, b), where in sorted(edges.items()):
            print(f"{a} -> {b} ({len(where)}): {where[0]}")
        return 0
    errors = []
    for (a, b), where in sorted(edges.items()):
        for f in (a, b):
            if f not in RANK:
                errors.append(f"engine/{f}: folder not placed in scripts/check-layering.py's LAYERS")
        if a in RANK and b in RANK and RANK[b] > RANK[a] and (a, b) not in KNOWN:
            for w in where:
                errors.append(f"{w}: {a} may not include {b} (the order is "
                              f"{' -> '.join('/'.join(l) for l in LAYERS)})")
    for a, b in KNOWN:
        if (a, b) not in edges:
            errors.append(f"{a} -> {b} no longer occurs: take it out of KNOWN in "
                          f"scripts/check-layering.py")
    for comp in cycles({e: w for e, w in edges.items() if e not in KNOWN}):
        errors.append("include cycle between engine folders: " + " <-> ".join(comp))
    link_edges, link_errors = link_graph(engine)
    errors += link_errors
    for (a, b), where in sorted(link_edges.items()):
        if a in RANK and b in RANK and RANK[b] > RANK[a]:
            errors += [f"{w}: {a} may not link {b}, a later layer" for w in where]
    for comp in cycles(link_edges):
        errors.append("link cycle between engine folders: " + " <-> ".join(comp))
    for path, targets in sorted(cmake_sources(srcdir).items()):
        if len(targets) > 1:
            errors.append(f"{os.path.relpath(path, srcdir)}: compiled into {len(targets)} "
                          f"targets: {', '.join(targets)}")
    for e in sorted(set(errors)):
        print(e)
    if errors:
        print(f"check-layering: {len(set(errors))} violation(s)", file=sys.stderr)
        return 1
    print("check-layering: engine folders include and link one way; no source in two targets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
