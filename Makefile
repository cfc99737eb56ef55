# e1desk: the two commands of the README, and the steps under them.
#   make run   set up, then run the box on the simulated board with the rig playing calls
#   make test  set up, then run every test
# Set-up installs Debian packages with apt-get when run as root, makes .venv and installs
# the package (with its cffi extensions) into it in editable mode.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
# Debian packages the box and its tests use (peers for interop tests, corpora for DSP tests).
DEBS := python3 python3-venv python3-dev gcc make libc6-dev pkg-config \
        libspandsp-dev libopenr2-dev libpri-dev libportaudio2 tshark \
        asterisk-core-sounds-en-wav asterisk-moh-opsound-wav espeak-ng sox dahdi-source

.PHONY: run test setup debs bench clean

# The demo: the box on the sim board (records in .run/data) with the rig playing callers and
# agents in real time at a gentle load, and the box's live wallboard; Ctrl-C stops both.
# `.venv/bin/e1hil demo --no-wallboard` leaves the serial console free for you to log in.
run: setup
	@mkdir -p .run
	$(VENV)/bin/e1hil demo --data .run/data

test: setup
	$(PY) -m pytest -q $(PYTEST_ARGS)

setup: debs $(VENV)/.installed

debs:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  missing=$$(for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	  if [ -n "$$missing" ]; then \
	    echo "installing Debian packages: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  fi; \
	else echo "not root: skipping apt-get (needs: $(DEBS))"; fi

$(VENV)/.installed: pyproject.toml setup.py $(wildcard drivers/*/*.h drivers/*/*/*.h drivers/*/_build.py firmware/*/_build.py drivers/*/*.c drivers/*/*/*.c firmware/*/*.c)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip setuptools wheel
	$(PY) -m pip install -q -e '.[test]'
	touch $@

bench: setup
	$(VENV)/bin/e1desk bench framer
	$(VENV)/bin/e1desk bench dsp

clean:
	rm -rf $(VENV) build *.egg-info
	find . -name '__pycache__' -prune -exec rm -rf {} +
