# The README's two commands: `go run ./cmd/crmwh demo` and `make test`.
# `make test` installs what it needs (a C compiler for DuckDB's cgo bindings, PostgreSQL for the
# source tests, which start their own server on a free loopback port, and psql; Chromium for the
# web UI's browser test; psycopg2, psycopg 3, SQLAlchemy with pandas, pgjdbc (javac compiles its test
# program), node-postgres (npm, into serve/testdata/node) and Go's lib/pq as clients of the SQL endpoint; scipy and scikit-learn as
# references for the CLV standard errors and the churn back-test) when it is missing, checks
# formatting and vet, and runs every test with real DuckDB files and Parquet on disk.

GO ?= go

.PHONY: test deps build demo bench-load bench-clv bench-kmeans bench-tree bench-fpgrowth bench-pgextract bench-serve

test: deps
	@unformatted="$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))"; \
	  if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 20m ./...

deps:
	@command -v gcc >/dev/null 2>&1 || { \
	  echo "installing gcc (DuckDB's Go bindings use cgo)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q gcc; }
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  echo "installing postgresql (the tests of the PostgreSQL source start a real server)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; }
	@{ command -v chromium >/dev/null 2>&1 && /usr/bin/python3 -c 'import psycopg2, psycopg, pandas, scipy, sklearn, sqlalchemy' 2>/dev/null; } || { \
	  echo "installing chromium, python3-psycopg2, python3-psycopg, python3-sqlalchemy, python3-pandas, python3-scipy and python3-sklearn (the web UI's browser test; clients of the SQL endpoint; references for the CLV standard errors and the churn back-test)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium python3-psycopg2 python3-psycopg python3-sqlalchemy python3-pandas python3-scipy python3-sklearn; }
	@# Each of the three only when it is missing: a machine with Node.js from elsewhere (NodeSource
	@# bundles npm) cannot take Debian's npm package, which conflicts with it.
	@pkgs=""; \
	  command -v javac >/dev/null 2>&1 || pkgs="$$pkgs default-jdk-headless"; \
	  [ -f /usr/share/java/postgresql.jar ] || pkgs="$$pkgs libpostgresql-jdbc-java"; \
	  command -v npm >/dev/null 2>&1 || pkgs="$$pkgs npm"; \
	  [ -z "$$pkgs" ] || { \
	  echo "installing$$pkgs (pgjdbc, as BI tools use it, and node-postgres: clients of the SQL endpoint)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$pkgs; }
	@[ -d serve/testdata/node/node_modules/pg-cursor ] || { \
	  echo "installing the npm packages pg and pg-cursor into serve/testdata/node (node-postgres, a client of the SQL endpoint)"; \
	  cd serve/testdata/node && npm install --no-audit --no-fund --loglevel=error; }
	@[ -d jobs/testdata/parquet-reader/node_modules/hyparquet-compressors ] || { \
	  echo "installing the npm packages hyparquet and hyparquet-compressors into jobs/testdata/parquet-reader (an independent reader of the published Parquet)"; \
	  cd jobs/testdata/parquet-reader && npm install --no-audit --no-fund --loglevel=error; }

build:
	$(GO) build -o crmwh ./cmd/crmwh

demo:
	$(GO) run ./cmd/crmwh demo

# The load benchmark: our full load against DuckDB's bare read_csv + INSERT of the same files.
# CUSTOMERS=1000000 is the issue's scale (about 18M order lines; several minutes).
CUSTOMERS ?= 200000
bench-load:
	$(GO) run ./bench/load -customers $(CUSTOMERS)

# The CLV benchmark: BG/NBD + Gamma-Gamma on 1,000,000 simulated customers against scipy's fit of
# the same models on the same summary (Debian python3-scipy, installed when missing).
bench-clv:
	@/usr/bin/python3 -c 'import scipy' 2>/dev/null || { \
	  echo "installing python3-scipy (the reference side)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-scipy; }
	$(GO) run ./bench/clv -customers $(or $(CLV_CUSTOMERS),1000000)

# The k-means benchmark: 1,000,000 make_blobs rows × 8 features, k = 8, against scikit-learn's
# KMeans on the same data (Debian python3-sklearn, installed when missing).
bench-kmeans:
	@/usr/bin/python3 -c 'import sklearn' 2>/dev/null || { \
	  echo "installing python3-sklearn (the reference side)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-sklearn; }
	$(GO) run ./bench/kmeans

# The decision-tree benchmark: Telco AUC at depths 4, 5, 6, 8 and 1,000,000 × 20 synthetic rows at
# depth 8 against scikit-learn's DecisionTreeClassifier; GOLEARN=1 also times golearn's CART.
bench-tree:
	@/usr/bin/python3 -c 'import sklearn' 2>/dev/null || { \
	  echo "installing python3-sklearn (the reference side)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-sklearn; }
	$(GO) run ./bench/tree $(if $(GOLEARN),-golearn)

# The FP-growth benchmark: retail and groceries against the npm package node-fpgrowth (installed
# with npm into bench/out/npm), then our time on the order baskets of 1,000,000 demo customers.
bench-fpgrowth:
	$(GO) run ./bench/fpgrowth

# The PostgreSQL extraction benchmark: the 1,000,000-customer demo in a fresh PostgreSQL server,
# extracted by crmwh against psql's \copy of the same rows (PostgreSQL is installed by deps).
bench-pgextract: deps
	$(GO) run ./bench/pgextract -customers $(or $(PG_CUSTOMERS),1000000)

# The serving benchmark: a star-join aggregate through the SQL endpoint (pgx over loopback)
# against the same query in-process, and the web UI's page and download times.
bench-serve:
	$(GO) run ./bench/serve -customers $(or $(SERVE_CUSTOMERS),200000)
