import { Document, isMap, isPair, isScalar } from 'yaml';
import { probeAdviceSchema, startupMeasurementSchema, type Probe, type ProbeAdvice, type StartupMeasurement } from '../report/schema.ts';
import { engineProbeFacts } from './engines.ts';

export interface AdviceOptions {
  /** Port the server listens on inside the container. */
  port: number;
  /** `--engine` name; decides which paths are safe to probe. */
  engine?: string;
  /** Model id for the one-token completion of an exec readiness probe. */
  model?: string;
  containerName?: string;
  /** Startup budget = factor × slowest measured load + constantS. Defaults 2 and 60. */
  margin?: { factor: number; constantS: number };
}

/** The one-token completion an exec readiness probe sends, with python where the image has it (curl is often absent). */
function inferenceCommand(port: number, model: string | undefined, timeoutS: number, python: boolean): string[] {
  const body = { ...(model ? { model } : {}), prompt: 'ping', max_tokens: 1 };
  const url = `http://127.0.0.1:${port}/v1/completions`;
  if (python) {
    return [
      'python3',
      '-c',
      `import json, urllib.request as r; r.urlopen(r.Request(${JSON.stringify(url)}, json.dumps(${JSON.stringify(body)}).encode(), {"Content-Type": "application/json"}), timeout=${timeoutS}).read()`,
    ];
  }
  return ['curl', '-sf', '-o', '/dev/null', '-m', String(timeoutS), '-H', 'Content-Type: application/json', '-d', JSON.stringify(body), url];
}

/**
 * Probe settings derived from measured startup. The startup probe holds liveness off for the whole
 * load with margin (a slower node, a colder page cache, a busier disk); readiness proves the model
 * answers; liveness stays cheap and generous because restarting an LLM pod costs a full reload.
 */
export function adviseProbes(measurement: StartupMeasurement, options: AdviceOptions): ProbeAdvice {
  const m = startupMeasurementSchema.parse(measurement);
  const engine = options.engine ?? 'openai';
  const facts = engineProbeFacts(engine);
  const margin = options.margin ?? { factor: 2, constantS: 60 };
  const samples = m.secondsToReady;
  const cold = samples[0]!;
  const worst = Math.max(...samples);
  const spread = worst - Math.min(...samples);
  const notes: string[] = [];

  const budget = Math.ceil(margin.factor * worst + margin.constantS);
  const startupPeriod = budget <= 120 ? 5 : 10;
  // A handler that answers once the process is up; for engines whose port opens only after loading,
  // it also waits out the load. Either way liveness starts only when this has succeeded.
  const cheapHandler = facts.livenessPath ? { httpGet: { path: facts.livenessPath, port: options.port } } : { tcpSocket: { port: options.port } };
  const startupProbe: Probe = {
    ...cheapHandler,
    periodSeconds: startupPeriod,
    timeoutSeconds: 5,
    failureThreshold: Math.ceil(budget / startupPeriod),
  };
  notes.push(
    `startupProbe allows ${budget} s (${margin.factor} × the slowest measured load of ${worst.toFixed(0)} s + ${margin.constantS} s) before Kubernetes restarts a loading container.`,
  );
  if (samples.length > 1) {
    notes.push(`${samples.length} boots measured: cold ${cold.toFixed(0)} s, spread ${spread.toFixed(0)} s between fastest and slowest.`);
  } else {
    notes.push('One boot measured; loads on other nodes (cold page cache, weights fetched at start) can be slower: the margin covers part of that, not a download.');
  }

  // The readiness probe is the one that gates traffic, so it must prove the model answers. A one-token
  // request waits behind a full batch under load: its timeout follows the measured TTFT p99, with room.
  const readinessTimeout = Math.max(10, Math.ceil((3 * (m.ttftP99Ms ?? 0)) / 1000));
  const readinessHandler = facts.readyPath
    ? { httpGet: { path: facts.readyPath, port: options.port } }
    : { exec: { command: inferenceCommand(options.port, options.model, Math.max(1, readinessTimeout - 1), facts.hasPython) } };
  const readinessProbe: Probe = { ...readinessHandler, periodSeconds: 10, timeoutSeconds: readinessTimeout, failureThreshold: 3, successThreshold: 1 };
  notes.push(
    facts.readyPath
      ? `readinessProbe uses ${facts.readyPath}, which ${engine} answers only once the model serves.`
      : engine === 'openai'
        ? `readinessProbe posts a one-token completion: the engine was not recognised, and common health endpoints (${facts.earlyPaths.join(', ')}) may answer while the weights still load.`
        : `readinessProbe posts a one-token completion: ${engine}'s health endpoints answer without running the model${facts.earlyPaths.length > 0 ? ` (${facts.earlyPaths.join(', ')} answer while the weights load)` : ''}.`,
  );
  if (!facts.readyPath && !options.model) notes.push('No model id was known: add "model" to the probe body if the server requires it.');
  if (!facts.readyPath && !facts.hasPython) notes.push('The exec probe runs curl inside the container: make sure the image ships it.');

  // Liveness only asks "is the process wedged?": no inference, so a saturated pod is not restarted.
  const livenessProbe: Probe = { ...cheapHandler, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 };
  notes.push('livenessProbe never runs inference and restarts only after 2 minutes without an answer: a restart costs a full weight load.');

  // Grace covers in-flight generations draining after SIGTERM; loading time is the rollout's concern.
  const terminationGracePeriodSeconds = m.e2eP99Ms !== undefined ? Math.max(60, Math.ceil((2 * m.e2eP99Ms) / 1000) + 30) : 120;
  notes.push(
    m.e2eP99Ms !== undefined
      ? `terminationGracePeriodSeconds ${terminationGracePeriodSeconds}: twice the measured end-to-end p99 plus 30 s lets in-flight streams finish.`
      : `terminationGracePeriodSeconds ${terminationGracePeriodSeconds}: no end-to-end latency measured; raise it to cover your longest generation.`,
  );
  // A pod that passes one probe and then dies on the first real batch (KV cache, CUDA graphs) should
  // not count as available: hold it for a quarter of its load time, at least 30 s.
  const minReadySeconds = Math.min(300, Math.max(30, Math.ceil(worst / 4)));
  notes.push(`minReadySeconds ${minReadySeconds}: a new pod must stay ready this long before the rollout removes an old one.`);

  return probeAdviceSchema.parse({
    engine,
    containerName: options.containerName ?? 'inference',
    measurement: { coldSeconds: cold, worstSeconds: worst, spreadSeconds: spread, boots: samples.length },
    startupBudgetSeconds: budget,
    startupProbe,
    readinessProbe,
    livenessProbe,
    terminationGracePeriodSeconds,
    minReadySeconds,
    notes,
  });
}

function commentKey(node: unknown, key: string, comment: string): void {
  if (!isMap(node)) return;
  for (const pair of node.items) {
    if (isPair(pair) && isScalar(pair.key) && pair.key.value === key) pair.key.commentBefore = ` ${comment}`;
  }
}

/**
 * A Deployment fragment to paste, or to apply with `kubectl patch --type strategic` (containers merge
 * by name). Comments carry the measurement behind each number.
 */
export function renderProbeYaml(advice: ProbeAdvice): string {
  const container = {
    name: advice.containerName,
    startupProbe: advice.startupProbe,
    readinessProbe: advice.readinessProbe,
    livenessProbe: advice.livenessProbe,
  };
  const doc = new Document({
    spec: {
      minReadySeconds: advice.minReadySeconds,
      template: { spec: { terminationGracePeriodSeconds: advice.terminationGracePeriodSeconds, containers: [container] } },
    },
  });
  const { coldSeconds, worstSeconds, spreadSeconds, boots } = advice.measurement;
  doc.commentBefore = [
    ` llm-gate probe advice (${advice.engine === 'openai' ? 'engine not recognised' : advice.engine}): measured seconds-to-ready: cold ${coldSeconds.toFixed(0)} s, slowest ${worstSeconds.toFixed(0)} s` +
      (boots > 1 ? `, spread ${spreadSeconds.toFixed(0)} s over ${boots} boots` : ', one boot'),
    ' Merge into your Deployment/StatefulSet, or: kubectl patch deployment NAME --type strategic --patch-file THIS_FILE',
  ].join('\n');
  commentKey(doc.getIn(['spec']), 'minReadySeconds', 'a new pod must stay ready this long before it counts as available');
  commentKey(doc.getIn(['spec', 'template', 'spec']), 'terminationGracePeriodSeconds', 'lets in-flight generations finish after SIGTERM');
  const c = doc.getIn(['spec', 'template', 'spec', 'containers', 0]);
  commentKey(c, 'startupProbe', `allows ${advice.startupBudgetSeconds} s of loading before a restart; liveness waits for it`);
  commentKey(c, 'readinessProbe', 'gates traffic: passes only when the model answers, not when the port opens');
  commentKey(c, 'livenessProbe', 'cheap and generous: never runs inference, so a busy pod is not restarted');
  return doc.toString({ lineWidth: 0 });
}
