import type { ParseArgsConfig } from 'node:util';
import { parseAcceptText } from '../compare/acceptance.ts';
import { ConfigError, type ConfigOverrides } from '../config/load.ts';

/** Flags shared by every command that runs the gate on a target. */
export const gateFlagOptions = {
  config: { type: 'string', short: 'c' },
  image: { type: 'string' },
  build: { type: 'string' },
  command: { type: 'string' },
  url: { type: 'string' },
  model: { type: 'string' },
  port: { type: 'string' },
  gpus: { type: 'string' },
  'shm-size': { type: 'string' },
  volume: { type: 'string', multiple: true },
  env: { type: 'string', multiple: true },
  store: { type: 'string' },
  accept: { type: 'string', multiple: true },
  'allow-change': { type: 'string' },
  engine: { type: 'string' },
  dataset: { type: 'string' },
  concurrency: { type: 'string' },
  requests: { type: 'string' },
  baseline: { type: 'string' },
  out: { type: 'string' },
  tag: { type: 'string' },
  'k8s-manifest': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export const gateFlagHelp = `Target (one of):
  --image REF          run this container image (port published on 127.0.0.1)
  --build CONTEXT      docker build CONTEXT first (tagged --image if given)
  --command CMD        spawn CMD (it must listen on --port on 127.0.0.1; PORT is set)
  --url URL            an already running OpenAI-compatible server
Settings:
  -c, --config FILE    llm-gate.yml (default: ./llm-gate.yml when present)
  --model ID           model id (default: discovered from /v1/models)
  --port N             port the server listens on (default: an image's one EXPOSEd port, else 8000)
  --gpus SPEC          docker --gpus value for image targets (all, 2, device=0,1)
  --shm-size SIZE      docker --shm-size for image targets (e.g. 16g)
  --volume HOST:CTR[:rw]  mount a host folder (read-only unless :rw), e.g. a weight cache; repeatable
  --env NAME           pass the variable NAME from this environment into the target, by name
                       (its value never reaches a log or a report); repeatable
  --engine NAME        vllm | tgi | sglang | llamacpp | ollama | nim | openai
  --dataset PATH       eval suite (default: the shipped datasets/starter/v1)
  --concurrency LIST   load steps, e.g. 1,8,32 (default 4)
  --requests N         measured requests per load step (default 64); against a baseline, the
                       first round: rounds go on until decided, up to 512 (bench.sequential)
  --baseline SPEC      auto | none | PATH of the previous tag's report.json (default auto)
  --store KIND         where auto finds and stores baselines: local | git | artifacts (default local)
  --accept 'DIMS: WHY' accept these dimensions' regressions on purpose, e.g. 'tpot.p50,json_format:
                       larger model'; recorded in the report and summary; repeatable
  --allow-change LIST  compare with a baseline of another model,engine,gpu,dataset instead of refusing
  --tag TAG            this candidate's tag (stored as the next baseline when it passes)
  --out DIR            where report.json, summary.md and report.html go (default llm-gate-out)
  --k8s-manifest FILE  check this Deployment's probes against the measured startup`;

function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`--${flag}: expected a positive whole number, found "${text}"`);
  return n;
}

type GateFlagValues = {
  [K in keyof typeof gateFlagOptions]?: (typeof gateFlagOptions)[K] extends { multiple: true }
    ? string[]
    : (typeof gateFlagOptions)[K]['type'] extends 'boolean'
      ? boolean
      : string;
};

/** `/models:/root/.cache/huggingface` (read-only) or `…:rw`. */
function volume(text: string): { host: string; container: string; readOnly: boolean } {
  const m = /^(.+?):(\/[^:]*)(?::(ro|rw))?$/.exec(text);
  if (!m) throw new ConfigError(`--volume: expected HOST:/CONTAINER[:ro|rw], found "${text}"`);
  return { host: m[1]!, container: m[2]!, readOnly: m[3] !== 'rw' };
}

export function overridesFromFlags(v: GateFlagValues): ConfigOverrides {
  const o: ConfigOverrides = {};
  if (v.image !== undefined) o.image = v.image;
  if (v.build !== undefined) o.build = v.build;
  if (v.command !== undefined) o.command = v.command;
  if (v.url !== undefined) o.url = v.url;
  if (v.model !== undefined) o.model = v.model;
  if (v.port !== undefined) o.port = positiveInt('port', v.port);
  if (v.engine !== undefined) o.engine = v.engine;
  if (v.gpus !== undefined) o.gpus = v.gpus;
  if (v.dataset !== undefined) o.dataset = v.dataset;
  if (v.concurrency !== undefined) o.concurrency = v.concurrency.split(',').map((s) => positiveInt('concurrency', s.trim()));
  if (v.requests !== undefined) o.requests = positiveInt('requests', v.requests);
  if (v.baseline !== undefined) o.baseline = v.baseline;
  if (v.out !== undefined) o.out = v.out;
  if (v.tag !== undefined) o.tag = v.tag;
  if (v['k8s-manifest'] !== undefined) o.k8sManifest = v['k8s-manifest'];
  if (v['shm-size'] !== undefined) o.shmSize = v['shm-size'];
  if (v.volume !== undefined) o.volumes = v.volume.map(volume);
  if (v.env !== undefined) {
    for (const name of v.env) {
      // A value on the command line would land in shell history and process listings: names only.
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ConfigError(`--env: expected a variable name (passed by name from this environment), found "${name.split('=')[0]}=…"`);
    }
    o.passEnv = v.env;
  }
  if (v.store !== undefined) o.store = v.store;
  if (v.accept !== undefined) {
    try {
      o.accept = v.accept.flatMap((text) => parseAcceptText(text, '--accept'));
    } catch (err) {
      throw new ConfigError((err as Error).message);
    }
  }
  if (v['allow-change'] !== undefined) o.allowChange = v['allow-change'].split(',').map((f) => f.trim()).filter(Boolean);
  return o;
}
