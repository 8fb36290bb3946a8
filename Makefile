# hybridml — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
GPU_VENV ?= .venv-gpu
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
GPU_STAMP := $(GPU_VENV)/.installed

.PHONY: demo test lint typecheck unit gpu-test bench venv gpu-venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,bench]'
	touch $(STAMP)

# The container's own heavy environment (torch + ultralytics), kept apart from the console's.
gpu-venv: $(GPU_STAMP)

$(GPU_STAMP): gpu_container/requirements.txt gpu_container/requirements-test.txt
	test -x $(GPU_VENV)/bin/python || $(PYTHON) -m venv $(GPU_VENV)
	$(GPU_VENV)/bin/python -m pip install -q --upgrade pip
	$(GPU_VENV)/bin/python -m pip install -q -r gpu_container/requirements-test.txt
	touch $(GPU_STAMP)

demo: venv
	$(BIN)/hybridml --demo

lint: venv
	$(BIN)/ruff check src tests bench gpu_container
	$(BIN)/ruff format --check src tests bench gpu_container
	$(BIN)/lint-imports --no-cache

typecheck: venv
	$(BIN)/mypy

# Two workers (pytest-xdist), each with its own embedded moto fleet: the suite is mostly Pilot tests waiting on an
# app, so two processes fill this 2-core machine. `make unit PYTEST_WORKERS=0` runs it in one process.
PYTEST_WORKERS ?= 2
unit: venv gpu-venv
	$(BIN)/pytest -q -p no:cacheprovider -n $(PYTEST_WORKERS) --dist worksteal tests --ignore=tests/gpu_container

# --confcutdir: tests/conftest.py belongs to the console (imports hybridml), not to this venv.
gpu-test: gpu-venv
	YOLO_OFFLINE=1 $(GPU_VENV)/bin/python -m pytest -q -p no:cacheprovider --confcutdir=tests/gpu_container \
		-W ignore::pytest.PytestConfigWarning tests/gpu_container

# unit needs the container env too: the launch tests run the real pipeline
test: lint typecheck unit gpu-test

bench: venv gpu-venv
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(GPU_VENV) .pytest_cache .mypy_cache .ruff_cache
