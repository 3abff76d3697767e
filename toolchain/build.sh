#!/usr/bin/env bash
# Builds the Pulumi engine pieces bulkheads runs on, from the Go module proxy, and caches
# them outside the repo keyed by version (a warm machine skips every step):
#   $BULKHEADS_CACHE/pulumi-<v>/bin/        pulumi CLI, pulumi-language-python (ours),
#                                           the SDK's exec script, our dynamic provider
#   $BULKHEADS_CACHE/pulumi-kafka-<v>-b<n>/ pulumi-resource-kafka (our bridge build <n>)
# A `pulumi` already on PATH at the pinned version is used instead of building the CLI.
# Logs go to stderr; stdout gets one JSON line naming what was built:
#   {"pulumi_version": ..., "bin_dir": ..., "pulumi": ..., "kafka_provider_version": ...,
#    "kafka_provider": ...}
set -euo pipefail

PULUMI_VERSION=3.274.1
KAFKA_PROVIDER_VERSION=3.13.0
# Bump when toolchain/kafka-provider/main.go changes, so cached builds are redone.
KAFKA_PROVIDER_BUILD=4
# Bump when toolchain/language-python/main.go changes (the build is stamped beside it).
LANGUAGE_HOST_BUILD=2
here=$(cd "$(dirname "$0")" && pwd)
cache=${BULKHEADS_CACHE:-$HOME/.cache/bulkheads}
bin=$cache/pulumi-$PULUMI_VERSION/bin
kafka_dir=$cache/pulumi-kafka-$KAFKA_PROVIDER_VERSION-b$KAFKA_PROVIDER_BUILD
mkdir -p "$bin" "$kafka_dir"
export CGO_ENABLED=0 GOFLAGS=-buildvcs=false

step() { printf '[toolchain] %s\n' "$*" >&2; }

timed_build() { # label, module dir, output, ldflags, package
  local start=$SECONDS
  step "building $1 (first run only; several minutes on 2 cores)..."
  (cd "$2" && go build -trimpath -tags osusergo,grpcnotrace -ldflags "$4" -o "$3.tmp" "$5") >&2
  mv "$3.tmp" "$3"
  step "built $1 in $((SECONDS - start))s"
}

on_path=$(command -v pulumi || true)
if [[ -n "$on_path" && "$on_path" != "$bin/pulumi" ]] &&
   [[ "$("$on_path" version 2>/dev/null)" == "v$PULUMI_VERSION" ]]; then
  step "using pulumi v$PULUMI_VERSION from $on_path"
  ln -sf "$on_path" "$bin/pulumi"
elif [[ ! -x "$bin/pulumi" ]]; then
  timed_build "pulumi CLI v$PULUMI_VERSION" "$here/pulumi-cli" "$bin/pulumi" \
    "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
else
  step "pulumi CLI v$PULUMI_VERSION cached"
fi

host_stamp=$bin/pulumi-language-python.build
if [[ ! -x "$bin/pulumi-language-python" || "$(cat "$host_stamp" 2>/dev/null)" != "$LANGUAGE_HOST_BUILD" ]]; then
  timed_build "python language host" "$here/language-python" "$bin/pulumi-language-python" \
    "-s -w -X main.version=$PULUMI_VERSION" .
  echo "$LANGUAGE_HOST_BUILD" > "$host_stamp"
fi
if [[ ! -x "$bin/pulumi-language-python-exec" ]]; then
  sdk=$(cd "$here/language-python" && go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)
  install -m 0755 "$sdk/python/cmd/pulumi-language-python-exec" "$bin/"
fi
# Our dynamic provider (it exits with its engine), replacing the SDK's in older caches.
for file in pulumi-resource-pulumi-python dynamic_host.py; do
  cmp -s "$here/dynamic-provider/$file" "$bin/$file" || install -m 0755 "$here/dynamic-provider/$file" "$bin/"
done

if [[ ! -x "$kafka_dir/pulumi-resource-kafka" ]]; then
  timed_build "kafka provider v$KAFKA_PROVIDER_VERSION" "$here/kafka-provider" \
    "$kafka_dir/pulumi-resource-kafka" "-s -w -X main.version=$KAFKA_PROVIDER_VERSION" .
else
  step "kafka provider v$KAFKA_PROVIDER_VERSION cached"
fi
printf '{"pulumi_version": "%s", "bin_dir": "%s", "pulumi": "%s", "kafka_provider_version": "%s", "kafka_provider": "%s"}\n' \
  "$PULUMI_VERSION" "$bin" "$bin/pulumi" "$KAFKA_PROVIDER_VERSION" "$kafka_dir/pulumi-resource-kafka"
