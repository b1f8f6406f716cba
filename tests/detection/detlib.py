# SPDX-License-Identifier: Apache-2.0
"""The case format of the detection suite (tests/detection/README.md, DETECTION.md).

A cases file (cases/<theme>.py) defines CASES (attacks that must fire one of
their rules) and BENIGN (look-alikes that must fire no alert at all)."""
from dataclasses import dataclass, field
from typing import List, Tuple

WHERE_ALL = ("host", "container")


@dataclass
class Case:
    id: str                      # tactic.technique_slug.variant, unique
    tactic: str                  # ATT&CK tactic, lowercase with underscores
    technique: str               # T1059.004
    rules: List[str]             # at least one of them must fire
    trigger: str                 # bash, run with -euo pipefail in $DET_DIR
    where: Tuple[str, ...] = ("host",)
    setup: str = ""
    cleanup: str = ""            # always runs; restores what setup/trigger changed
    needs: List[str] = field(default_factory=list)
    # its rule needs what the engine cannot load yet (rules/pending/): skipped
    # unless run.py --pending
    pending: bool = False


@dataclass
class Benign:
    id: str
    script: str
    where: Tuple[str, ...] = ("host",)
    setup: str = ""
    cleanup: str = ""
    needs: List[str] = field(default_factory=list)
    pending: bool = False
