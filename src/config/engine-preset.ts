import { enginePreset } from '../engines/presets.ts';
import type { EngineName } from '../engines/registry.ts';
import { benchConfigSchema, gateConfigSchema, readinessConfigSchema, targetSchema, type GateConfig } from './schema.ts';

type Json = Record<string, unknown>;
/** Whether the user left a setting to the preset. */
type IsUnset = (path: string, value: unknown) => boolean;

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The section `key` of `doc`, created when absent; undefined when it holds something else (zod reports that). */
function section(doc: Json, key: string): Json | undefined {
  const v = doc[key];
  if (v === undefined || v === null) {
    const fresh: Json = {};
    doc[key] = fresh;
    return fresh;
  }
  return isRecord(v) ? v : undefined;
}

/** `--ipc=host` and `--ipc host` both name the flag `--ipc`. */
const flagName = (arg: string): string => arg.split('=')[0]!;

/** Fills, in place, what the preset knows and the user did not set. */
function fill(doc: Json, engine: EngineName, isUnset: IsUnset): void {
  const p = enginePreset(engine);
  if (doc.engine === undefined) doc.engine = engine;

  const target = section(doc, 'target');
  if (target) {
    if (isUnset('target.port', target.port)) target.port = p.defaultPort;
    const gpus = target.gpus;
    if (typeof gpus === 'string' && gpus !== '') {
      // Shared memory matters only where the engine runs GPU workers; a CPU run keeps docker's defaults.
      if (p.docker.shmSize && isUnset('target.shmSize', target.shmSize)) target.shmSize = p.docker.shmSize;
      const runArgs = Array.isArray(target.runArgs) ? target.runArgs.filter((a): a is string => typeof a === 'string') : [];
      if (Array.isArray(target.runArgs) || target.runArgs === undefined) {
        const present = new Set(runArgs.map(flagName));
        const added = p.docker.gpuRunArgs.filter((a) => !present.has(flagName(a)));
        if (added.length > 0) target.runArgs = [...(target.runArgs as unknown[] | undefined ?? []), ...added];
      }
    }
    if (p.docker.tokenEnv.length > 0 && (Array.isArray(target.passEnv) || target.passEnv === undefined)) {
      // Names only: the target passes values that exist in the gate's environment, by name (never on a command line).
      const names = (target.passEnv as unknown[] | undefined) ?? [];
      const added = p.docker.tokenEnv.filter((n) => !names.includes(n));
      if (added.length > 0) target.passEnv = [...names, ...added];
    }
    const envEntries = Object.entries(p.docker.env);
    if (envEntries.length > 0 && (isRecord(target.env) || target.env === undefined)) {
      const env: Json = { ...(isRecord(target.env) ? target.env : {}) };
      for (const [k, v] of envEntries) if (env[k] === undefined) env[k] = v;
      target.env = env;
    }
  }

  const readiness = section(doc, 'readiness');
  if (readiness) {
    if (p.readiness.healthPath && isUnset('readiness.healthPath', readiness.healthPath)) readiness.healthPath = p.readiness.healthPath;
    if (isUnset('readiness.timeoutS', readiness.timeoutS)) readiness.timeoutS = p.readiness.timeoutS;
    if (p.readiness.probeTimeoutS !== undefined && isUnset('readiness.probeTimeoutS', readiness.probeTimeoutS)) {
      readiness.probeTimeoutS = p.readiness.probeTimeoutS;
    }
  }

  if (p.metrics && p.metrics.path !== '/metrics') {
    const bench = section(doc, 'bench');
    if (bench && isUnset('bench.metricsPath', bench.metricsPath)) bench.metricsPath = p.metrics.path;
  }
}

/**
 * The preset applied to a raw llm-gate.yml document (after CLI overrides, before zod defaults), so a
 * value the user wrote always wins and only absent settings take the engine's. Pure: returns a copy.
 * loadGateConfig calls it when the document names an engine.
 */
export function applyEnginePresetRaw(raw: Json, engine: EngineName): Json {
  const doc = structuredClone(raw);
  fill(doc, engine, (_path, value) => value === undefined);
  return doc;
}

const DEFAULTS: Record<string, unknown> = (() => {
  const readiness = readinessConfigSchema.parse({});
  const bench = benchConfigSchema.parse({});
  return {
    'target.port': targetSchema.parse({ url: 'http://127.0.0.1' }).port,
    'readiness.timeoutS': readiness.timeoutS,
    'readiness.probeTimeoutS': readiness.probeTimeoutS,
    'bench.metricsPath': bench.metricsPath,
  };
})();

/**
 * The preset applied to a validated config, for when the engine is only known later (detected). A value
 * equal to the schema's default counts as unset: the validated config cannot tell them apart, which is
 * why loadGateConfig uses applyEnginePresetRaw instead. Pure.
 */
export function applyEnginePreset(config: GateConfig, engine: EngineName): GateConfig {
  const doc = structuredClone(config) as unknown as Json;
  fill(doc, engine, (path, value) => value === undefined || (path in DEFAULTS && value === DEFAULTS[path]));
  return gateConfigSchema.parse(doc);
}
