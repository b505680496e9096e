import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { normaliseGateConfig } from '../../src/config/normalise.ts';
import { gateConfigSchema } from '../../src/config/schema.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'llm-gate-normalise-'));
const config = (extra: object = {}) => gateConfigSchema.parse({ target: { url: 'http://127.0.0.1:9/v1' }, ...extra });

describe('normaliseGateConfig', () => {
  it("takes a shipped suite from the shipped root when the working directory has none (the Action's workspace)", () => {
    const root = tmp();
    mkdirSync(path.join(root, 'datasets/starter/v1'), { recursive: true });
    const c = normaliseGateConfig(config({ bench: { prompts: 'datasets/starter/v1' } }), { cwd: tmp(), shippedRoot: root });
    expect(c.eval.dataset).toBe(path.join(root, 'datasets/starter/v1'));
    expect(c.bench.prompts).toBe(path.join(root, 'datasets/starter/v1'));
  });

  it('keeps a path that exists in the working directory as written, and synthetic prompts as they are', () => {
    const cwd = tmp();
    mkdirSync(path.join(cwd, 'datasets/starter/v1'), { recursive: true });
    const c = normaliseGateConfig(config(), { cwd, shippedRoot: tmp() });
    expect(c.eval.dataset).toBe('datasets/starter/v1');
    expect(c.bench.prompts).toBe('synthetic');
  });

  it('leaves a path found nowhere as written, for the dataset loader to name', () => {
    const c = normaliseGateConfig(config({ eval: { dataset: 'suites/missing' } }), { cwd: tmp(), shippedRoot: tmp() });
    expect(c.eval.dataset).toBe('suites/missing');
  });
});
