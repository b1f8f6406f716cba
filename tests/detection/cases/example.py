# SPDX-License-Identifier: Apache-2.0
"""An example of the case format, on a rule that exists since the first
ruleset: a program named like a cryptominer."""
from detlib import Benign, Case

CASES = [
    Case(
        id="impact.resource_hijacking.miner_name",
        tactic="impact",
        technique="T1496",
        rules=["Known Cryptominer Executed"],
        trigger=r'''
            cp /bin/true "$DET_DIR/xmrig"
            "$DET_DIR/xmrig" --donate-level 1
        ''',
        where=("host", "container"),
    ),
]

BENIGN = [
    # A program whose name merely contains a miner's name is not one.
    Benign(
        id="benign.example.miner_lookalike_name",
        script=r'''
            cp /bin/true "$DET_DIR/xmrig-report"
            "$DET_DIR/xmrig-report"
        ''',
        where=("host", "container"),
    ),
]
