import { sortFindings } from '../report/findings.ts';
import type { Finding } from '../report/schema.ts';
import { findTokens, isSecretName, maskSecret, redact, secretsInAssignment, type SecretMatch } from '../secrets/patterns.ts';

/** What the checks need from `docker image inspect` and `docker history`, already parsed. */
export interface ImageFacts {
  user: string;
  /** `NAME=value` entries of `Config.Env`. */
  env: readonly string[];
  labels: Readonly<Record<string, string>>;
  /** Keys of `Config.ExposedPorts`, e.g. `8000/tcp`. */
  exposedPorts: readonly string[];
  sizeBytes: number;
  layers: number;
  /** `CreatedBy` of each history entry, newest first as docker lists them. */
  history: readonly string[];
}

export interface DockerfileText {
  /** Shown in evidence, e.g. `docker/Dockerfile`. */
  path: string;
  text: string;
}

export interface CheckOptions {
  expectedPort?: number;
  dockerfile?: DockerfileText;
  /** Above this an image is flagged as large (default 20 GiB: weights are likely baked in). */
  largeImageBytes?: number;
  /** Above this many layers an image is flagged (overlayfs stops at 128). */
  maxLayers?: number;
}

const GiB = 1024 ** 3;

export function checkUser(user: string): Finding[] {
  const name = user.split(':')[0] ?? '';
  if (name !== '' && name !== 'root' && name !== '0') return [];
  return [
    {
      id: 'runs-as-root',
      severity: 'high',
      message:
        user === ''
          ? 'The image sets no USER, so the server runs as root: a compromise of the engine or a model loader (pickle weights, trust_remote_code) owns the container. Add a non-root USER near the end of the Dockerfile.'
          : `The image sets USER ${user}, which is root. Use a non-root user (e.g. USER 1000).`,
      evidence: `Config.User=${JSON.stringify(user)}`,
    },
  ];
}

function secretSeverity(m: SecretMatch): Finding['severity'] {
  return m.kind.startsWith('high-entropy') ? 'high' : 'critical';
}

/** `NAME=value` pairs anywhere in a history line: ENV steps, build args, inline exports in RUN. */
function assignments(line: string): [string, string][] {
  const out: [string, string][] = [];
  for (const m of line.matchAll(/(?<![A-Za-z0-9_$])([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s;&|]+)/g)) {
    out.push([m[1]!, m[2]!.replace(/^(["'])(.*)\1$/, '$2')]);
  }
  return out;
}

/** Build args recorded by a RUN step: docker writes them as `|N NAME=value ... <command>`. */
function buildArgs(line: string): [string, string][] {
  const m = /^(?:RUN )?\|(\d+) (.*)$/s.exec(line);
  if (!m) return [];
  const pairs = m[2]!.split(' ').slice(0, Number(m[1]));
  return pairs.flatMap((p) => {
    const eq = p.indexOf('=');
    return eq > 0 ? [[p.slice(0, eq), p.slice(eq + 1)] as [string, string]] : [];
  });
}

function shorten(text: string, max = 240): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * Secrets in ENV, labels and build history. One leaked value is reported once, where it is easiest to
 * fix (an ENV value also shows in the history line that set it).
 */
export function checkSecrets(facts: Pick<ImageFacts, 'env' | 'labels' | 'history'>): Finding[] {
  const seen = new Set<string>();
  const findings: Finding[] = [];
  const fresh = (ms: SecretMatch[]): SecretMatch[] => {
    const out: SecretMatch[] = [];
    for (const m of ms) {
      if (seen.has(m.value)) continue;
      seen.add(m.value);
      out.push(m);
    }
    return out;
  };

  for (const entry of facts.env) {
    const eq = entry.indexOf('=');
    const name = eq >= 0 ? entry.slice(0, eq) : entry;
    const value = eq >= 0 ? entry.slice(eq + 1) : '';
    for (const m of fresh(secretsInAssignment(name, value))) {
      findings.push({
        id: 'secret-in-env',
        severity: secretSeverity(m),
        message: `ENV ${name} holds a ${m.kind} baked into the image: anyone who can pull the image can read it. Pass it at run time (a Kubernetes Secret, docker run -e) instead.`,
        evidence: `${name}=${maskSecret(m.value)}`,
      });
    }
  }

  for (const [name, value] of Object.entries(facts.labels)) {
    for (const m of fresh(secretsInAssignment(name, value))) {
      findings.push({
        id: 'secret-in-label',
        severity: secretSeverity(m),
        message: `LABEL ${name} holds a ${m.kind}; labels are readable by anyone who can pull or inspect the image.`,
        evidence: `${name}=${maskSecret(m.value)}`,
      });
    }
  }

  for (const line of facts.history) {
    const found = fresh([...assignments(line).flatMap(([n, v]) => secretsInAssignment(n, v)), ...findTokens(line)]);
    const evidence = shorten(redact(line, found.map((m) => m.value)));
    for (const m of found) {
      findings.push({
        id: 'secret-in-history',
        severity: secretSeverity(m),
        message: `A build step recorded a ${m.kind} in the image history (\`docker history --no-trunc\` shows it, even when no layer keeps the file). Build args and inline values stay in the image; use BuildKit secret mounts (RUN --mount=type=secret) instead.`,
        evidence,
      });
    }
    // A secret-named build arg is a leak pattern even when this build passed a dummy value.
    for (const [name, value] of buildArgs(line)) {
      if (!isSecretName(name) || value === '' || seen.has(value)) continue;
      seen.add(value);
      findings.push({
        id: 'secret-build-arg',
        severity: 'medium',
        message: `Build arg ${name} is recorded with its value in the image history; a real secret passed this way would leak. Use a BuildKit secret mount instead of ARG for credentials.`,
        evidence: shorten(redact(line, [value])),
      });
    }
  }
  return findings;
}

interface FromLine {
  line: number;
  image: string;
  stage?: string;
}

/** FROM instructions with ARG defaults declared before the first FROM substituted. */
export function parseFromLines(text: string): FromLine[] {
  const lines = text.split(/\r?\n/);
  const args = new Map<string, string>();
  const out: FromLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let instruction = lines[i]!;
    while (instruction.endsWith('\\') && i + 1 < lines.length) instruction = instruction.slice(0, -1) + ' ' + lines[++i]!;
    const trimmed = instruction.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const [keyword = '', ...rest] = trimmed.split(/\s+/);
    const kw = keyword.toUpperCase();
    if (kw === 'ARG' && out.length === 0) {
      for (const decl of rest) {
        const eq = decl.indexOf('=');
        if (eq > 0) args.set(decl.slice(0, eq), decl.slice(eq + 1).replace(/^(["'])(.*)\1$/, '$2'));
      }
    } else if (kw === 'FROM') {
      const words = rest.filter((w) => !w.startsWith('--'));
      const image = (words[0] ?? '').replace(/\$\{(\w+)(?::?-([^}]*))?\}|\$(\w+)/g, (whole, a?: string, dflt?: string, b?: string) => {
        const name = a ?? b ?? '';
        return args.get(name) ?? dflt ?? whole;
      });
      const asIndex = words.findIndex((w) => w.toUpperCase() === 'AS');
      out.push({ line: start + 1, image, ...(asIndex > 0 && words[asIndex + 1] ? { stage: words[asIndex + 1]! } : {}) });
    }
  }
  return out;
}

export function checkBaseImagePinned(dockerfile: DockerfileText): Finding[] {
  const stages = new Set<string>();
  const findings: Finding[] = [];
  for (const from of parseFromLines(dockerfile.text)) {
    const evidence = `${dockerfile.path}:${from.line}: FROM ${from.image}`;
    const isStage = stages.has(from.image.toLowerCase());
    if (from.stage) stages.add(from.stage.toLowerCase());
    if (isStage || from.image.toLowerCase() === 'scratch') continue;
    if (from.image.includes('$')) {
      findings.push({
        id: 'base-unresolved',
        severity: 'low',
        message: `The base image reference depends on a build arg without a default, so whether it is pinned cannot be told from the Dockerfile.`,
        evidence,
      });
    } else if (!/@sha256:[a-f0-9]{64}$/.test(from.image)) {
      findings.push({
        id: 'base-not-pinned',
        severity: 'medium',
        message: `Base image ${from.image} is not pinned by digest: the same Dockerfile can build a different image tomorrow (CUDA, driver expectations, Python packages). Pin it as ${from.image.split('@')[0]}@sha256:<digest>.`,
        evidence,
      });
    }
  }
  return findings;
}

export function checkSize(sizeBytes: number, layers: number, options: Pick<CheckOptions, 'largeImageBytes' | 'maxLayers'> = {}): Finding[] {
  const large = options.largeImageBytes ?? 20 * GiB;
  const maxLayers = options.maxLayers ?? 100;
  const findings: Finding[] = [];
  if (sizeBytes > large) {
    findings.push({
      id: 'image-large',
      severity: 'medium',
      message: `The image is ${(sizeBytes / GiB).toFixed(1)} GiB (above ${(large / GiB).toFixed(0)} GiB): every new node pulls it before the pod can start, which slows rollouts and scale-ups. If model weights are baked in, consider a weight-cache volume; use a multi-stage build to drop build tools.`,
      evidence: `Size=${sizeBytes}`,
    });
  }
  if (layers > maxLayers) {
    findings.push({
      id: 'image-many-layers',
      severity: 'low',
      message: `The image has ${layers} layers; overlayfs stops at 128, so later FROM this image will fail. Merge RUN steps.`,
      evidence: `RootFS.Layers=${layers}`,
    });
  }
  return findings;
}

export function checkExposedPort(exposedPorts: readonly string[], expectedPort: number): Finding[] {
  if (exposedPorts.length === 0) {
    return [
      {
        id: 'port-not-exposed',
        severity: 'info',
        message: `The image exposes no port; the gate and deployments rely on the configured port ${expectedPort}. Add EXPOSE ${expectedPort} so the image documents it.`,
      },
    ];
  }
  if (exposedPorts.some((p) => p === `${expectedPort}/tcp` || p === String(expectedPort))) return [];
  return [
    {
      id: 'port-mismatch',
      severity: 'medium',
      message: `The image exposes ${exposedPorts.join(', ')} but the configuration expects the server on port ${expectedPort}: one of them is wrong, and manifests written from the image will probe the wrong port.`,
      evidence: `ExposedPorts=${exposedPorts.join(',')}`,
    },
  ];
}

/** All checks on parsed image facts, worst first. */
export function hygieneFindings(facts: ImageFacts, options: CheckOptions = {}): Finding[] {
  return sortFindings([
    ...checkUser(facts.user),
    ...checkSecrets(facts),
    ...(options.dockerfile ? checkBaseImagePinned(options.dockerfile) : []),
    ...checkSize(facts.sizeBytes, facts.layers, options),
    ...(options.expectedPort !== undefined ? checkExposedPort(facts.exposedPorts, options.expectedPort) : []),
  ]);
}
