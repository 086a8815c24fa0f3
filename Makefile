# The two entry points of the README. Both set the machine up first (idempotent).
.PHONY: setup serve test bench

PORT ?= 8000
DATA ?= guidegraph-data

setup:
	@bash .ci/setup

serve: setup
	.venv/bin/guidegraph serve --host 127.0.0.1 --port $(PORT) --data-dir $(DATA)

test: setup
	.venv/bin/python -m pytest -q -p no:cacheprovider

bench: setup
	.venv/bin/pip install -q -e ".[bench]"
	.venv/bin/python benchmarks/bench_ingest.py
	.venv/bin/python benchmarks/bench_validate.py --repeat 7
	.venv/bin/python benchmarks/bench_endpoint.py
	.venv/bin/python benchmarks/bench_linked_data.py
	.venv/bin/python benchmarks/bench_load.py
	.venv/bin/python benchmarks/bench_engines.py
	.venv/bin/python benchmarks/bench_throughput_floor.py
