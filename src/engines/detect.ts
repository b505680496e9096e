import { z } from 'zod';
import { httpFetch } from '../client/http-fetch.ts';
import { parsePrometheus } from '../bench/prometheus.ts';
import { ENGINE_NAMES, type EngineName } from './names.ts';
import { ENGINE_PRESETS } from './presets.ts';

export interface Detection {
  engine: EngineName;
  /** Why, one line per clue, e.g. `GET /v1/models: owned_by "vllm"`. */
  evidence: string[];
  /** A clue only that engine gives, and no other engine scored as high. */
  confident: boolean;
}

interface Answer {
  status: number;
  headers: Headers;
  body: string;
}

/** A clue worth `weight` for `engine`: 3 for what only that engine does, 1 for what it shares with others. */
interface Clue {
  engine: EngineName;
  weight: number;
  why: string;
}

const STRONG = 3;
const WEAK = 1;

const modelsSchema = z.object({ data: z.array(z.object({ id: z.string(), owned_by: z.string().optional() }).passthrough()).min(1) });
const jsonObject = (body: string): Record<string, unknown> | null => {
  try {
    const v: unknown = JSON.parse(body);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};

// /v1/models owned_by, from the personalities' data (each cites the engine's ModelCard source).
const OWNED_BY: Record<string, { engine: EngineName; weight: number; note?: string }> = {
  vllm: { engine: 'vllm', weight: STRONG },
  sglang: { engine: 'sglang', weight: STRONG },
  llamacpp: { engine: 'llamacpp', weight: STRONG },
  // Ollama: the model's namespace ("library" for official models); NIM: "system", which OpenAI itself also uses.
  library: { engine: 'ollama', weight: WEAK },
  system: { engine: 'nim', weight: WEAK },
  // llama-cpp-python's server (llama_cpp/server/app.py get_models): llama.cpp inside, but none of llama-server's
  // API (no /health, /metrics, /props, ignore_eos or usage in streams), so the generic preset is the one that fits.
  me: { engine: 'openai', weight: STRONG, note: "llama-cpp-python's server: the generic OpenAI-compatible preset fits it" },
};

function modelClues(a: Answer): Clue[] {
  if (a.status !== 200) return [];
  const parsed = modelsSchema.safeParse(jsonObject(a.body));
  if (!parsed.success) return [];
  const first = parsed.data.data[0]!;
  const owner = first.owned_by;
  if (owner === undefined) return [];
  const known = OWNED_BY[owner];
  if (known) return [{ engine: known.engine, weight: known.weight, why: `GET /v1/models: owned_by "${owner}"${known.note ? ` (${known.note})` : ''}` }];
  // TGI (router/src/server.rs openai_get_model_info) answers owned_by = the model id.
  if (owner === first.id) return [{ engine: 'tgi', weight: WEAK, why: 'GET /v1/models: owned_by equals the model id' }];
  return [];
}

function headerClues(a: Answer): Clue[] {
  const clues: Clue[] = [];
  const server = a.headers.get('server');
  if (server === 'llama.cpp') clues.push({ engine: 'llamacpp', weight: STRONG, why: 'Server: llama.cpp header' });
  // uvicorn serves vLLM and SGLang alike; nginx is NIM's front proxy (and many others').
  if (server === 'uvicorn') clues.push({ engine: 'vllm', weight: WEAK, why: 'Server: uvicorn header' }, { engine: 'sglang', weight: WEAK, why: 'Server: uvicorn header' });
  if (server?.startsWith('nginx')) clues.push({ engine: 'nim', weight: WEAK, why: `Server: ${server} header` });
  if (a.headers.get('x-compute-type') !== null) clues.push({ engine: 'tgi', weight: 2, why: 'x-compute-type header (TGI router)' });
  return clues;
}

/** Engine whose metric names appear in a /metrics body (names from the presets). */
function metricClues(path: string, a: Answer): Clue[] {
  if (a.status !== 200) return [];
  const names = new Set(parsePrometheus(a.body).samples.map((s) => s.name));
  const clues: Clue[] = [];
  for (const engine of ENGINE_NAMES) {
    const m = ENGINE_PRESETS[engine].metrics;
    if (!m || m.path !== path) continue;
    const found = [...m.running, ...m.waiting].find((n) => names.has(n));
    if (found) clues.push({ engine, weight: STRONG, why: `GET ${path}: ${found}` });
  }
  return clues;
}

/** Paths only one engine answers this way (each engine's route table, see personalities.ts). */
const PROBES: { path: string; clue: (a: Answer) => Clue | null }[] = [
  {
    path: '/props',
    // llama.cpp tools/server/server-context.cpp get_res_props.
    clue: (a) => (a.status === 200 && jsonObject(a.body)?.default_generation_settings !== undefined ? { engine: 'llamacpp', weight: STRONG, why: 'GET /props: default_generation_settings' } : null),
  },
  {
    path: '/api/version',
    // Ollama server/routes.go.
    clue: (a) => (a.status === 200 && typeof jsonObject(a.body)?.version === 'string' ? { engine: 'ollama', weight: STRONG, why: 'GET /api/version: {"version":…}' } : null),
  },
  {
    path: '/v1/health/ready',
    // NIM api-reference/health-ready: {"message","status"} with 200 or 503.
    clue: (a) => ((a.status === 200 || a.status === 503) && typeof jsonObject(a.body)?.status === 'string' ? { engine: 'nim', weight: STRONG, why: `GET /v1/health/ready: ${a.status} with a status` } : null),
  },
  {
    path: '/info',
    // TGI router/src/server.rs get_model_info: router "text-generation-router".
    clue: (a) => (a.status === 200 && jsonObject(a.body)?.router === 'text-generation-router' ? { engine: 'tgi', weight: STRONG, why: 'GET /info: router "text-generation-router"' } : null),
  },
  {
    path: '/get_model_info',
    // SGLang entrypoints/http_server.py.
    clue: (a) => (a.status === 200 && jsonObject(a.body)?.model_path !== undefined ? { engine: 'sglang', weight: STRONG, why: 'GET /get_model_info: model_path' } : null),
  },
];

/** Engines that run another behind them: NIM serves LLMs with vLLM (its /v1/models and metrics are vLLM's). */
const WRAPS: Partial<Record<EngineName, EngineName>> = { nim: 'vllm' };

/** Paths whose metrics body names an engine: every distinct metrics path of the presets. */
const METRIC_PATHS = [...new Set(ENGINE_NAMES.flatMap((e) => (ENGINE_PRESETS[e].metrics ? [ENGINE_PRESETS[e].metrics!.path] : [])))];

/**
 * Names the engine behind a running server from what it exposes: /v1/models owned_by, response headers,
 * engine-only paths (/props, /api/version, /v1/health/ready, /info, /get_model_info) and metric names.
 * Call it once the server is ready (a loading server hides most clues). Never throws: with no clear
 * winner it answers the generic 'openai' and says so in the evidence.
 */
export async function detectEngine(rootURL: string, options: { apiKey?: string; timeoutMs?: number } = {}): Promise<Detection> {
  const root = rootURL.replace(/\/+$/, '').replace(/\/v1$/, '');
  const timeoutMs = options.timeoutMs ?? 5000;
  const headers: Record<string, string> = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};
  const get = async (path: string): Promise<Answer | null> => {
    try {
      const res = await httpFetch(`${root}${path}`, { headers, signal: AbortSignal.timeout(timeoutMs) });
      // Bodies are read whole but bounded by the timeout; metrics pages are the largest, tens of kB.
      return { status: res.status, headers: res.headers, body: await res.text() };
    } catch {
      return null;
    }
  };

  const [models, ...rest] = await Promise.all([get('/v1/models'), ...PROBES.map((p) => get(p.path)), ...METRIC_PATHS.map((p) => get(p))]);
  const probeAnswers = rest.slice(0, PROBES.length);
  const metricAnswers = rest.slice(PROBES.length);

  const clues: Clue[] = [];
  if (models) clues.push(...modelClues(models), ...headerClues(models));
  PROBES.forEach((p, i) => {
    const a = probeAnswers[i];
    const c = a ? p.clue(a) : null;
    if (c) clues.push(c);
  });
  METRIC_PATHS.forEach((path, i) => {
    const a = metricAnswers[i];
    if (a) clues.push(...metricClues(path, a));
  });

  const score = new Map<EngineName, number>();
  for (const c of clues) score.set(c.engine, (score.get(c.engine) ?? 0) + c.weight);
  for (const [outer, inner] of Object.entries(WRAPS) as [EngineName, EngineName][]) {
    // The wrapped engine's clues are the wrapper's too, once the wrapper showed one of its own.
    if ((score.get(outer) ?? 0) >= STRONG && score.has(inner)) {
      score.set(outer, score.get(outer)! + score.get(inner)!);
      score.delete(inner);
      for (const c of clues) if (c.engine === inner) c.engine = outer;
    }
  }
  const ranked = [...score.entries()].sort((a, b) => b[1] - a[1]);
  const [top, second] = ranked;
  if (!top || (second && second[1] === top[1])) {
    const why = !top ? 'no engine-specific clue' : `a tie between ${ranked.filter(([, s]) => s === top[1]).map(([e]) => e).join(' and ')}`;
    const evidence = [...clues.map((c) => `${c.why} (${c.engine})`), `${why}: using the generic OpenAI-compatible preset`];
    if (!models) evidence.unshift(`GET ${root}/v1/models did not answer`);
    return { engine: 'openai', evidence, confident: false };
  }
  const [engine, points] = top;
  return {
    engine,
    evidence: clues.filter((c) => c.engine === engine).map((c) => c.why),
    confident: points >= STRONG && (second === undefined || second[1] < points),
  };
}
