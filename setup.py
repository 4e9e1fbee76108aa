# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Packaging for adafruit-circuitpython-netdev (pip + Blinka on Linux boards).

On a CircuitPython board, install with circup from the bundle instead (see README.rst)."""

import pathlib

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = pathlib.Path(__file__).parent
# The project's one version string (tools.project_version reads the same file); it replaces
# the placeholder in each package's __version__ line of what is installed
VERSION = (HERE / "VERSION").read_text(encoding="utf-8").strip()
AUTO_VERSION = "0.0.0+auto.0"

# The library packages and the emulator, as far as they exist in this tree.
PACKAGES = [
    name
    for name in (
        "adafruit_netdev",
        "adafruit_netdev_wifinina",
        "adafruit_netdev_rtl8720dn",
        "net",
        "netdev_emulator",
    )
    if (HERE / name / "__init__.py").exists()
]


class BuildPyWithVersion(build_py):
    """build_py that writes VERSION into ``__version__ = "0.0.0+auto.0"`` lines."""

    def build_module(self, module, module_file, package):
        outfile, copied = build_py.build_module(self, module, module_file, package)
        path = pathlib.Path(outfile)
        text = path.read_text(encoding="utf-8")
        lines = text.split("\n")
        for i, line in enumerate(lines):
            if line.startswith("__version__"):
                lines[i] = line.replace(AUTO_VERSION, VERSION)
        if lines != text.split("\n"):
            path.write_text("\n".join(lines), encoding="utf-8")
        return outfile, copied


def requirements(name):
    lines = (HERE / name).read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


setup(
    name="adafruit-circuitpython-netdev",
    version=VERSION,
    cmdclass={"build_py": BuildPyWithVersion},
    description="TinyGo's netdev model (Netdever/Netlinker, net) for CircuitPython and Blinka, "
    "with NINA-FW and RTL8720DN co-processor drivers and their emulators",
    long_description=(HERE / "README.rst").read_text(),
    long_description_content_type="text/x-rst",
    license="MIT",
    python_requires=">=3.9",
    packages=PACKAGES,
    package_data={"netdev_emulator": ["site/*", "site/**/*"]},
    install_requires=requirements("requirements.txt"),
    extras_require={
        "emulator": ["trustme", "websockets>=13", "pyserial", "Adafruit-Blinka>=10"],  # >=10: the virtual Pi
        "examples": [
            "adafruit-circuitpython-requests",
            "adafruit-circuitpython-minimqtt",
            "adafruit-circuitpython-httpserver",
            "adafruit-circuitpython-ntp",
        ],
        "test": requirements("requirements-test.txt"),
    },
    keywords="adafruit blinka circuitpython micropython netdev tinygo wifinina rtl8720dn",
    classifiers=[
        "License :: OSI Approved :: MIT License",
        "Programming Language :: Python :: Implementation :: MicroPython",
        "Programming Language :: Python :: 3",
    ],
)
