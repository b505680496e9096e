import type { ParseArgsConfig } from 'node:util';
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
  --engine NAME        vllm | tgi | sglang | llamacpp | ollama | nim | openai
  --dataset PATH       eval suite (default: the shipped datasets/starter/v1)
  --concurrency LIST   load steps, e.g. 1,8,32 (default 4)
  --requests N         measured requests per load step (default 64); against a baseline, the
                       first round: rounds go on until decided, up to 512 (bench.sequential)
  --baseline SPEC      auto | none | PATH of the previous tag's report.json (default auto)
  --tag TAG            this candidate's tag (stored as the next baseline when it passes)
  --out DIR            where report.json, summary.md and report.html go (default llm-gate-out)
  --k8s-manifest FILE  check this Deployment's probes against the measured startup`;

function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`--${flag}: expected a positive whole number, found "${text}"`);
  return n;
}

type GateFlagValues = { [K in keyof typeof gateFlagOptions]?: (typeof gateFlagOptions)[K]['type'] extends 'boolean' ? boolean : string };

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
  return o;
}
