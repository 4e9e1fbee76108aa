# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Run a program with the library in ROMFS: ``micropython romfs_main.py PROGRAM.py``, with
``ROMFS_IMAGE`` naming an image from ``harness.build_romfs``. The image is read into one
buffer (a board maps it from flash; here the harness adds its size to the heap), mounted at
``/rom``, and ``/rom/lib`` and ``/rom/native`` become the import path; then PROGRAM is
imported from its folder, compiled from source as a board compiles code.py. Test support
only (tests/micropython)."""

import os
import sys

import vfs

_path = os.getenv("ROMFS_IMAGE")
_image = bytearray(os.stat(_path)[6])  # one allocation, the first: no hole before the rest
with open(_path, "rb") as _f:
    _f.readinto(_image)
vfs.mount(vfs.VfsRom(_image), "/rom")
_folder, _, _name = sys.argv[1].rpartition("/")
sys.path[:] = [".frozen", "/rom/lib", "/rom/native", _folder or "."]
sys.argv.pop(0)  # the program sees itself as argv[0]
del _path, _f, _folder
__import__(_name[:-3] if _name.endswith(".py") else _name)
