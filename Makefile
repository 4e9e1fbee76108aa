# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
#
#   make demo    every example on every (virtual) netdev against the lab, one line each
#   make test    the whole test suite
#   make bench   the benchmark tables (docs/benchmarks.rst)
#   make soak    the long fault-injection soak (SOAK_ARGS=--transient: transient bus faults only)
#   make circuitpython  CircuitPython's mpy-cross (9.x, 10.x) and its core as a 32-bit board
#                (tools/circuitpython, from the source tarballs; into .venv/circuitpython)
#   make docs    the Sphinx documentation (docs/_build/html)
#   make bundle  CircuitPython bundle zips (bundles/): py, 9.x and 10.x mpy, examples, JSON
#
# Each target creates .venv with python3 -m venv and installs what it needs.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-test.txt docs/requirements.txt 2>/dev/null | cksum | cut -d' ' -f1)
export PYTHONPATH := $(CURDIR)

.PHONY: venv test demo bench soak docs bundle mosquitto valgrind circuitpython clean

venv: $(STAMP)

$(STAMP):
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { \
	  echo "make: cannot create a venv: install Debian's python3-venv (apt-get install python3-venv)"; exit 1; }
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.txt -r requirements-test.txt \
	  $(if $(wildcard docs/requirements.txt),-r docs/requirements.txt)
	@rm -f $(VENV)/.installed-*
	@touch $@

# $(call apt_install,PACKAGE,WHY): Debian's PACKAGE (a command of the same name) when it is
# missing; the machines run as root, so install it, else say what to run.
define apt_install
@command -v $(1) >/dev/null 2>&1 || test -x /usr/sbin/$(1) || { \
  if [ "$$(id -u)" = 0 ]; then \
    echo "make: installing Debian's $(1) ($(2))"; \
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1)) >/dev/null || exit 1; \
  else \
    echo "make: $(1) is missing and I am not root: run 'sudo apt-get install $(1)'"; exit 1; \
  fi; }
endef

mosquitto:
	$(call apt_install,mosquitto,the lab's MQTT broker)

valgrind:
	$(call apt_install,valgrind,make bench counts CircuitPython's instructions per MiB with it)

# CircuitPython (tools/circuitpython): built from the source tarballs (CIRCUITPYTHON_SOURCES, else
# shared/vendor beside or above the checkout) into $(VENV)/circuitpython, again only when a
# tarball changes; it installs Debian's gcc-multilib when missing (as root).
circuitpython: venv
	$(BIN)/python -m tools.circuitpython

test: venv mosquitto circuitpython
	$(BIN)/python -m pytest

demo: venv mosquitto
	$(BIN)/python -m tools.demo

bench: venv mosquitto valgrind circuitpython
	$(BIN)/python -m tools.bench

soak: venv mosquitto
	$(BIN)/python -m tools.soak $(SOAK_ARGS)

docs: venv
	$(BIN)/python -m sphinx -E -W -q -b html docs docs/_build/html

# (tools.bundle builds CircuitPython's mpy-cross of each major first, when missing)
bundle: venv
	$(BIN)/python -m tools.bundle $(BUNDLE_ARGS)

clean:
	rm -rf $(VENV) bundles docs/_build .pytest_cache
