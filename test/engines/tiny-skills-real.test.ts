import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/cli/free-port.ts';
import { reportSchema, type Report } from '../../src/report/schema.ts';
import { cliRunner } from '../helpers/cli-process.ts';
import { describeDocker } from '../helpers/docker.ts';
import { buildLlamaCppPythonImage, LLAMA_IMAGE_PORT } from '../helpers/llama-image.ts';
import { makeVariant, type VariantSpec } from '../helpers/gguf-variants.ts';
import { describeLlama, llamaCppPython, llamaPython, MODELS, modelUnavailable, ROOT, shellCommand } from '../helpers/llama.ts';

/**
 * The gate on a real model whose quality can regress: the tiny-skills models of ../shared/models, served by
 * llama-cpp-python's server, scored on datasets/tiny-skills/v1 (200 items per skill), each candidate compared
 * with a baseline report of the F16 model. Degraded variants are made here from the F16 file (llama.cpp's
 * quantizer, or seeded noise on some tensors) and cached; their accuracy per skill was measured first
 * (figures in each case's comment), so each case says which dimensions must fail and which must not.
 */
const engine = llamaCppPython();
const F16 = path.join(MODELS, 'tiny-skills-f16.gguf');
const Q8_0 = path.join(MODELS, 'tiny-skills-q8_0.gguf');
const DATASET = path.join(ROOT, 'datasets/tiny-skills/v1');

// Quality decides here. The bench runs (a real gate always does) but small, and its latency is not what these
// cases test: two runs minutes apart on a shared 2-core machine differ by more than a real gate would allow.
const CONFIG = `readiness:
  timeoutS: 120
  intervalS: 0.2
eval:
  dataset: ${JSON.stringify(DATASET)}
  maxTokens: 16
  concurrency: 2
bench:
  concurrency: [1]
  requests: 8
  warmupRequests: 1
  inputTokens: 32
  outputTokens: 16
  scrapeMetrics: false
  gpuMetrics: false
  sequential: { enabled: false }
compare:
  tolerances: { "perf.*": 1, "perf.*.errorRate": 0.02, "readiness.*": 1 }
`;

const run = cliRunner();

interface Gated {
  report: Report;
  reportPath: string;
  code: number | null;
  stderr: string;
  seconds: number;
}

/** How a model file is served: as a process of the venv's python, or as the image with the file mounted. */
type Serve = { kind: 'process' } | { kind: 'image'; tag: string };

/** `llm-gate run` on `model` served by llama-cpp-python, against `baseline` (a report.json) or none. */
async function gate(label: string, serve: Serve, model: string, baseline: string): Promise<Gated> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'llm-gate-tiny-skills-'));
  // One alias for every variant: the reports name the same model, whichever file serves it.
  const alias = ['--model_alias', 'tiny-skills'];
  let targetArgs: string[];
  let targetConfig = '';
  if (serve.kind === 'process') {
    const port = await freePort();
    targetArgs = ['--command', shellCommand([...engine.argv(model, port), ...alias]), '--port', String(port)];
  } else {
    targetArgs = ['--image', serve.tag];
    const args = ['--model', `/models/${path.basename(model)}`, ...alias];
    targetConfig = `target:\n  port: ${LLAMA_IMAGE_PORT}\n  args: ${JSON.stringify(args)}\n  volumes: [{ host: ${JSON.stringify(path.dirname(model))}, container: /models }]\n`;
  }
  writeFileSync(path.join(dir, 'llm-gate.yml'), CONFIG + targetConfig);
  const out = path.join(dir, 'out');
  const t0 = performance.now();
  const r = await run(['run', ...targetArgs, '--baseline', baseline, '--out', out], dir);
  const seconds = (performance.now() - t0) / 1000;
  const reportPath = path.join(out, 'report.json');
  const report = reportSchema.parse(JSON.parse(readFileSync(reportPath, 'utf8')));
  const dims = Object.entries(report.quality?.dimensions ?? {}).map(([k, d]) => `${k} ${(d.score * 100).toFixed(1)}%`);
  const cmp = Object.entries(report.comparison?.dimensions ?? {})
    .filter(([k]) => k.startsWith('quality.'))
    .map(([k, d]) => `${k.slice(8)} ${(d.delta * 100).toFixed(1)} pts [${d.ci ? d.ci.map((x) => (x * 100).toFixed(1)).join(', ') : '-'}]${d.regressed ? ' REGRESSED' : ''}`);
  console.info(`${label} (${serve.kind}): verdict ${report.verdict} (exit ${r.code}) in ${seconds.toFixed(0)} s | ${dims.join(', ')}${cmp.length ? ` | vs F16: ${cmp.join(', ')}` : ''}`);
  return { report, reportPath, code: r.code, stderr: r.stderr, seconds };
}

/** Quality dimensions the verdict failed on, from its reasons. */
const failedQuality = (r: Report) => [...new Set(r.reasons.filter((x) => x.dimension.startsWith('quality.')).map((x) => x.dimension.slice(8)))].sort();

interface Case {
  title: string;
  /** The model file: a shipped one, or a variant's name in VARIANTS. */
  model: string;
  /** Dimensions that must fail; every other must pass. */
  regressed: string[];
  /** Also checked through the docker image (the image runs fewer cases: each costs a minute or more). */
  image: boolean;
}

// Accuracy per dimension through llama-cpp-python 0.3.36 (arithmetic, comparison, json_format, refusal; 200 items
// each; greedy, identical across runs): F16 98.5 97.0 95.0 90.0; Q8_0 the same; Q2_K 98.5 95.0 94.0 90.0.
const VARIANTS: Record<string, VariantSpec> = {
  // 98.5 97.0 95.0 90.0: noise of the tensors' own spread on the last layer's MLP changes no answer.
  'noise-ffn3': { name: 'noise-ffn3', kind: 'noise', tensors: 'blk\\.3\\.ffn_.*', scale: 1, seed: 1 },
  // 99.0 95.0 94.0 75.0: half that noise on the first layer's attention costs refusal 15 points, the rest 0-2.
  'noise-attn0-half': { name: 'noise-attn0-half', kind: 'noise', tensors: 'blk\\.0\\.attn_.*', scale: 0.5, seed: 1 },
  // 91.5 92.5 89.0 50.0: the full spread there costs every skill 4.5 to 40 points.
  'noise-attn0': { name: 'noise-attn0', kind: 'noise', tensors: 'blk\\.0\\.attn_.*', scale: 1, seed: 1 },
  'q2_k': { name: 'q2_k', kind: 'quantize', type: 'Q2_K' },
};

const CASES: Case[] = [
  { title: 'passes the F16 model against itself', model: F16, regressed: [], image: false },
  { title: 'passes Q8_0 against F16: a near-lossless quant is not a regression', model: Q8_0, regressed: [], image: true },
  { title: 'passes Q2_K against F16: at most 2 points lost, within tolerance', model: 'q2_k', regressed: [], image: false },
  { title: 'passes a variant whose answers did not move (noise on the last MLP)', model: 'noise-ffn3', regressed: [], image: false },
  { title: 'fails a variant that lost refusal only (noise on the first attention)', model: 'noise-attn0-half', regressed: ['refusal'], image: true },
  { title: 'fails a variant that lost every skill', model: 'noise-attn0', regressed: ['arithmetic', 'comparison', 'json_format', 'refusal'], image: false },
];

/** The baseline F16 run, then each case against it; `serve()` is called in beforeAll (an image is built there). */
function gateCases(serve: () => Serve, cases: Case[]): void {
  let baseline: string;
  let how: Serve;
  const files = new Map<string, string>([[F16, F16], [Q8_0, Q8_0]]);
  beforeAll(async () => {
    how = serve();
    for (const [name, spec] of Object.entries(VARIANTS)) files.set(name, makeVariant(llamaPython().python, F16, spec));
    const base = await gate('F16 baseline', how, F16, 'none');
    expect(base.report.verdict, base.stderr.slice(-2000)).toBe('pass');
    baseline = base.reportPath;
  }, 600_000);

  for (const c of cases) {
    it(`${c.title}${c.regressed.length ? `: fails on ${c.regressed.join(', ')} and only there` : ''}`, { timeout: 300_000 }, async () => {
      const g = await gate(c.title, how, files.get(c.model)!, baseline);
      expect(g.code, g.stderr.slice(-2000)).toBe(c.regressed.length ? 1 : 0);
      expect(failedQuality(g.report)).toEqual(c.regressed);
      // Nothing but quality decides: every other reason would be a gate problem.
      expect(g.report.reasons.filter((x) => !x.dimension.startsWith('quality.'))).toEqual([]);
      expect(g.report.quality?.requests?.failed).toBe(0);
    });
  }
}

describeLlama(
  'gating the tiny-skills model on llama-cpp-python',
  engine,
  () => {
    describe('as a process', () => gateCases(() => ({ kind: 'process' }), CASES));
    describeDocker('as a docker image built from the venv, the model mounted', () =>
      gateCases(
        () => ({ kind: 'image', tag: buildLlamaCppPythonImage(path.dirname(path.dirname(llamaPython().python))) }),
        CASES.filter((c) => c.image),
      ),
    );
  },
  modelUnavailable('tiny-skills-f16.gguf') ?? modelUnavailable('tiny-skills-q8_0.gguf'),
);
