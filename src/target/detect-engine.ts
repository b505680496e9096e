import { z } from 'zod';
import { httpFetch } from '../client/http-fetch.ts';
import { STRONG, type EngineDefinition } from '../engines/engine.ts';
import { ENGINE_PRESETS } from '../engines/presets.ts';
import { ENGINES, isEngineName, type EngineName } from '../engines/registry.ts';

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

/** A clue worth `weight` for `engine` (the weights of the engines' detection clues). */
interface Clue {
  engine: EngineName;
  weight: number;
  why: string;
}

const modelsSchema = z.object({ data: z.array(z.object({ id: z.string(), owned_by: z.string().optional() }).passthrough()).min(1) });
const jsonObject = (body: string): Record<string, unknown> | null => {
  try {
    const v: unknown = JSON.parse(body);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};

function modelClues(a: Answer): Clue[] {
  if (a.status !== 200) return [];
  const parsed = modelsSchema.safeParse(jsonObject(a.body));
  if (!parsed.success) return [];
  const first = parsed.data.data[0]!;
  const owner = first.owned_by;
  if (owner === undefined) return [];
  for (const e of ENGINES) {
    const known = e.detection.ownedBy.find((o) => o.value === owner);
    if (known) return [{ engine: e.name, weight: known.weight, why: `GET /v1/models: owned_by "${owner}"${known.note ? ` (${known.note})` : ''}` }];
  }
  if (owner !== first.id) return [];
  return ENGINES.flatMap((e) => {
    const weight = e.detection.ownedByModelId;
    return weight === undefined ? [] : [{ engine: e.name, weight, why: 'GET /v1/models: owned_by equals the model id' }];
  });
}

function headerClues(a: Answer): Clue[] {
  return ENGINES.flatMap((e) =>
    e.detection.headers.flatMap((h) => {
      const value = a.headers.get(h.header);
      if (value === null) return [];
      const m = h.match;
      const hit = m === 'present' || ('equals' in m ? value === m.equals : value.startsWith(m.prefix));
      return hit ? [{ engine: e.name, weight: h.weight, why: h.why.replace('{value}', value) }] : [];
    }),
  );
}

/** Engines whose metric names appear in a metrics body at `path` (names from the presets). */
function metricClues(path: string, a: Answer): Clue[] {
  if (a.status !== 200) return [];
  const names = sampleNames(a.body);
  return ENGINES.flatMap((e) => {
    const m = ENGINE_PRESETS[e.name].metrics;
    if (!m || m.path !== path) return [];
    const found = [...m.running, ...m.waiting].find((n) => names.has(n));
    return found ? [{ engine: e.name, weight: STRONG, why: `GET ${path}: ${found}` }] : [];
  });
}

/**
 * The metric names of a Prometheus text exposition: the name that starts each sample line. Names are all
 * detection needs, so it reads no labels or values (the bench's full parser is another stage's).
 */
function sampleNames(body: string): Set<string> {
  const names = new Set<string>();
  for (const line of body.split('\n')) {
    const name = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{|\s)/.exec(line)?.[1];
    if (name) names.add(name);
  }
  return names;
}

type PathClue = EngineDefinition['detection']['paths'][number];

/** Paths only one engine answers this way, with the engine each names. */
const PATH_CLUES: { engine: EngineName; clue: PathClue }[] = ENGINES.flatMap((e) => e.detection.paths.map((clue) => ({ engine: e.name, clue })));

function pathClue(engine: EngineName, c: PathClue, a: Answer): Clue | null {
  if (!c.statuses.includes(a.status)) return null;
  const value = jsonObject(a.body)?.[c.field];
  const hit = c.match === 'present' ? value !== undefined : c.match === 'string' ? typeof value === 'string' : value === c.match.equals;
  return hit ? { engine, weight: STRONG, why: c.why.replace('{status}', String(a.status)) } : null;
}

/** Paths whose metrics body names an engine: every distinct metrics path of the presets. */
const METRIC_PATHS = [...new Set(ENGINES.flatMap((e) => ENGINE_PRESETS[e.name].metrics?.path ?? []))];

/** Engines that run another behind them, from the registry (NIM serves LLMs with vLLM). */
const WRAPS = ENGINES.flatMap((e) => (e.detection.wraps !== undefined && isEngineName(e.detection.wraps) ? [{ outer: e.name, inner: e.detection.wraps }] : []));

/**
 * Names the engine behind a running server from what it exposes, by the engines' detection clues:
 * /v1/models owned_by, response headers, engine-only paths and metric names. Call it once the server is
 * ready (a loading server hides most clues). Never throws: with no clear winner it answers the generic
 * 'openai' and says so in the evidence.
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

  const [models, ...rest] = await Promise.all([get('/v1/models'), ...PATH_CLUES.map((p) => get(p.clue.path)), ...METRIC_PATHS.map((p) => get(p))]);
  const pathAnswers = rest.slice(0, PATH_CLUES.length);
  const metricAnswers = rest.slice(PATH_CLUES.length);

  const clues: Clue[] = [];
  if (models) clues.push(...modelClues(models), ...headerClues(models));
  PATH_CLUES.forEach((p, i) => {
    const a = pathAnswers[i];
    const c = a ? pathClue(p.engine, p.clue, a) : null;
    if (c) clues.push(c);
  });
  METRIC_PATHS.forEach((path, i) => {
    const a = metricAnswers[i];
    if (a) clues.push(...metricClues(path, a));
  });

  const score = new Map<EngineName, number>();
  for (const c of clues) score.set(c.engine, (score.get(c.engine) ?? 0) + c.weight);
  for (const { outer, inner } of WRAPS) {
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
