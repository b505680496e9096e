#!/usr/bin/env bash
# Builds a real Kubernetes control plane from Go modules for the kubernetes target's tests:
# kube-apiserver, kube-controller-manager, kube-scheduler (k8s.io/kubernetes), etcd
# (go.etcd.io/etcd/server/v3) and kwok (sigs.k8s.io/kwok). Release download sites cannot be
# reached here; the Go module proxy can. Idempotent: a binary whose pinned version is already
# built is skipped (a stamp file beside it names the version).
#
# Output: $LLM_GATE_K8S_DIR/bin (default /var/cache/llm-gate/k8s/bin).
set -euo pipefail

K8S_VERSION=v1.37.2   # k8s.io/kubernetes; its staging modules are served as v0.37.2
STAGING_VERSION=v0.37.2
ETCD_VERSION=v3.7.3   # go.etcd.io/etcd/v3 (the root module) is refused by the proxy; server/v3 is served
KWOK_VERSION=v0.8.0

ROOT=${LLM_GATE_K8S_DIR:-/var/cache/llm-gate/k8s}
BIN=$ROOT/bin
SRC=$ROOT/src
mkdir -p "$BIN" "$SRC"

# The machine has 2 cores shared with other work: build one thing at a time, niced.
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false CGO_ENABLED=0
PAR=${LLM_GATE_K8S_BUILD_P:-2}
GOBUILD=(nice -n 10 go build -p "$PAR" -trimpath -ldflags "-s -w")

have() { [ -x "$BIN/$1" ] && [ "$(cat "$BIN/$1.version" 2>/dev/null)" = "$2" ]; }
stamp() { echo "$2" >"$BIN/$1.version"; }
t0=$(date +%s)

# k8s.io/kubernetes requires every staging module (k8s.io/api, client-go, ...) at v0.0.0 and
# replaces them with its own staging/ folder; a module consumer must replace each one with the
# published v0.x version instead.
if ! have kube-apiserver $K8S_VERSION || ! have kube-controller-manager $K8S_VERSION || ! have kube-scheduler $K8S_VERSION; then
  echo "build-k8s: kubernetes $K8S_VERSION"
  w=$SRC/kubernetes-$K8S_VERSION
  mkdir -p "$w"
  (
    cd "$w"
    if [ ! -f go.sum ]; then
      gomod=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
      {
        echo "module llmgate.local/k8sbuild"
        echo
        echo "go 1.26.0"
        echo
        echo "require k8s.io/kubernetes $K8S_VERSION"
        echo
        grep -E '^\s+k8s\.io/[a-z0-9-]+ v0\.0\.0$' "$gomod" | awk -v v="$STAGING_VERSION" '{print "replace " $1 " => " $1 " " v}'
      } >go.mod
      cat >tools.go <<'EOF'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
)
EOF
      go mod tidy
    fi
    "${GOBUILD[@]}" -o "$BIN/" k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler
  )
  for b in kube-apiserver kube-controller-manager kube-scheduler; do stamp $b $K8S_VERSION; done
  echo "build-k8s: kubernetes built after $(( $(date +%s) - t0 )) s"
fi

# etcd's server/v3 go.mod replaces its sibling modules with ../ paths, so `go install @version`
# refuses it: build it in a wrapper module that pins the siblings to the same release instead.
if ! have etcd $ETCD_VERSION; then
  echo "build-k8s: etcd $ETCD_VERSION"
  w=$SRC/etcd-$ETCD_VERSION
  mkdir -p "$w"
  (
    cd "$w"
    if [ ! -f go.sum ]; then
      {
        echo "module llmgate.local/etcdbuild"
        echo
        echo "go 1.26.0"
        echo
        echo "require go.etcd.io/etcd/server/v3 $ETCD_VERSION"
        echo
        for m in api/v3 client/pkg/v3 client/v3 pkg/v3; do
          echo "replace go.etcd.io/etcd/$m => go.etcd.io/etcd/$m $ETCD_VERSION"
        done
      } >go.mod
      printf '//go:build tools\n\npackage tools\n\nimport _ "go.etcd.io/etcd/server/v3"\n' >tools.go
      go mod tidy
    fi
    "${GOBUILD[@]}" -o "$BIN/etcd" go.etcd.io/etcd/server/v3
  )
  stamp etcd $ETCD_VERSION
  echo "build-k8s: etcd built after $(( $(date +%s) - t0 )) s"
fi

if ! have kwok $KWOK_VERSION; then
  echo "build-k8s: kwok $KWOK_VERSION"
  GOBIN=$BIN nice -n 10 go install -p "$PAR" -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  stamp kwok $KWOK_VERSION
  echo "build-k8s: kwok built after $(( $(date +%s) - t0 )) s"
fi

echo "build-k8s: control plane ready in $BIN ($(( $(date +%s) - t0 )) s)"
