# SPDX-License-Identifier: Apache-2.0
"""The detection suite's runc containers (filled in by the container variant)."""


def make_etc_template(base):
    return None


class Bundle:
    def __init__(self, env, work, name, lib, scripts, det_env):
        raise RuntimeError("container variant not implemented yet")
