#!/usr/bin/env bash
# Accuracy per dimension of one GGUF model on datasets/tiny-skills/v1, served by llama-cpp-python's server
# as the tests serve it (greedy, max_tokens 16, eval concurrency 2):
#   bash datasets/tiny-skills/measure.sh ../shared/models/tiny-skills-f16.gguf [OUT.json]
# LLAMA_CPP_PYTHON: a python with llama_cpp.server (default: the venv .ci/run installs).
set -euo pipefail
cd "$(dirname "$0")/../.."
model=$(realpath "$1")
out=${2:-$(mktemp -t tiny-skills-XXXXXX.json)}
python=${LLAMA_CPP_PYTHON:-/var/cache/llm-gate/llama-venv/bin/python}
node=node_modules/.bin/node
port=$($node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
log=$(mktemp -t tiny-skills-server-XXXXXX.log)
"$python" -m llama_cpp.server --model "$model" --host 127.0.0.1 --port "$port" --interrupt_requests False \
  --n_ctx 512 --n_threads 2 --n_threads_batch 2 --verbose False --model_alias tiny-skills >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  $node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "http://127.0.0.1:$port/v1/models" && break
  kill -0 $server 2>/dev/null || { echo "the server exited:"; tail -5 "$log"; exit 1; }
  sleep 0.2
done
start=$(date +%s)
# Exit 1 only means a dimension is under its floor: the scores are still written.
$node src/cli/main.ts eval --url "http://127.0.0.1:$port" --dataset datasets/tiny-skills/v1 --max-tokens 16 --concurrency 2 --out "$out" >"$log.eval" 2>&1 ||
  [ $? -eq 1 ] || { tail -5 "$log.eval"; exit 1; }
$node -e '
  const q = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
  const dims = Object.entries(q.dimensions).map(([k, d]) => `${k} ${(d.score * 100).toFixed(1)}%`);
  console.log(`${process.argv[2]}: ${dims.join(", ")} (${process.argv[3]} s; items in ${process.argv[1]})`);
' "$out" "$(basename "$model")" "$(( $(date +%s) - start ))"
