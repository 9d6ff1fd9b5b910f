#!/usr/bin/env python3
"""Host tests of tools/depgraph: how it classifies edges between folders, how it reads
#include lines from a synthetic tree, and that the real tree has no back edge at all: every
layer includes only layers below it and leaves, and no leaf (cpu, loader, config, ept, mm,
lib) includes a layer. One "PASS name" or "FAIL name" line per check, as the C unit tests
print; exits 1 on a failure."""

import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from load_tool import load_tool  # noqa: E402
from passfail import check, exit_status  # noqa: E402


def test_classification(dg):
    cases = [
        ("boot", "dom", False),     # down the layering
        ("sched", "vmx", False),
        ("dev", "cpu", False),      # any layer may use a leaf
        ("cpu", "lib", False),      # a leaf may use a leaf
        ("loader", "hinoki", False),
        ("dom", "boot", True),      # up the layering
        ("vmx", "sched", True),
        ("cpu", "boot", True),      # out of a leaf into a layer
        ("config", "dom", True),
        ("lib", "dev", True),
    ]
    for a, b, back in cases:
        check("classify_%s_%s" % (a, b), dg.is_back(a, b) == back, "is_back says %s" % dg.is_back(a, b))


def write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def test_synthetic_tree(dg):
    with tempfile.TemporaryDirectory() as root:
        write(root, "dom/a.c", '#include "boot/x.h"\n#include "dom/a.h"\n#  include "lib/log.h"\n')
        write(root, "dom/a.h", '#include <stdint.h>\n')
        write(root, "cpu/p.c", '#include "sched/sched.h"\n/* #include "vmx/vmx.h" */\n')
        write(root, "cpu/t.asm", '%include "vmx/offsets.inc"\n')
        found = dg.edges(root)
    want = {("dom", "boot"): {"dom/a.c"}, ("dom", "lib"): {"dom/a.c"}, ("cpu", "sched"): {"cpu/p.c"}}
    check("synthetic_edges", found == want, found)
    back = sorted(e for e in found if dg.is_back(*e))
    check("synthetic_back_edges", back == [("cpu", "sched"), ("dom", "boot")], back)


def test_real_tree(dg):
    found = dg.edges()
    for folder in dg.LAYERS + ["cpu", "loader", "config"]:
        check("real_%s_scanned" % folder, any(a == folder for a, _ in found), "no edge out of %s/" % folder)
    # Layer into a higher layer, leaf into any layer, anything into boot/: all back edges.
    back = {"%s -> %s" % e: sorted(f) for e, f in found.items() if dg.is_back(*e)}
    check("real_no_back_edge", not back, back)


def main():
    dg = load_tool("depgraph")
    test_classification(dg)
    test_synthetic_tree(dg)
    test_real_tree(dg)
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
