# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""Packaging for adafruit-circuitpython-netdev (pip + Blinka on Linux boards).

On a CircuitPython board, install with circup from the bundle instead (see README.rst)."""

import pathlib

from setuptools import setup

HERE = pathlib.Path(__file__).parent

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


def requirements(name):
    lines = (HERE / name).read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


setup(
    name="adafruit-circuitpython-netdev",
    version="0.1.0",
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
