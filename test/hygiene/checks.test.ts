import { describe, expect, it } from 'vitest';
import {
  checkBaseImagePinned,
  checkExposedPort,
  checkSecrets,
  checkSize,
  checkUser,
  hygieneFindings,
  type ImageFacts,
} from '../../src/hygiene/checks.ts';
import { hygieneReasons } from '../../src/hygiene/reasons.ts';

const hf = 'hf' + '_' + 'QwErTyUiOpAsDfGhJkLzXcVbNm12345678';
const gh = 'ghp' + '_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';
const digest = 'sha256:' + 'a'.repeat(64);

const clean: ImageFacts = {
  user: '1000',
  env: ['PATH=/usr/bin:/bin', 'MAX_TOKENS=4096'],
  labels: { 'org.opencontainers.image.source': 'https://github.com/acme/llm' },
  exposedPorts: ['8000/tcp'],
  sizeBytes: 8 * 1024 ** 3,
  layers: 30,
  history: ['/bin/sh -c #(nop)  USER 1000', '/bin/sh -c #(nop)  EXPOSE 8000'],
};

describe('checkUser', () => {
  it.each(['', 'root', '0', '0:0', 'root:root'])('reports root for USER %j', (user) => {
    expect(checkUser(user).map((f) => [f.id, f.severity])).toEqual([['runs-as-root', 'high']]);
  });

  it.each(['1000', 'appuser', '1000:0', 'vllm:vllm'])('accepts the non-root USER %j', (user) => {
    expect(checkUser(user)).toEqual([]);
  });
});

describe('checkSecrets', () => {
  it('reports a token in ENV as critical with the value masked', () => {
    const [f, ...rest] = checkSecrets({ env: [`HF_TOKEN=${hf}`], labels: {}, history: [] });
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ id: 'secret-in-env', severity: 'critical' });
    expect(f?.message).toContain('Hugging Face token');
    expect(JSON.stringify(f)).not.toContain(hf.slice(4));
    expect(f?.evidence).toBe(`HF_TOKEN=hf_Q… (${hf.length} chars, masked)`);
  });

  it('reports a high-entropy value named like a secret as high', () => {
    const [f] = checkSecrets({ env: ['API_KEY=9f86d081884c7d659a2feaa0c55ad015'], labels: {}, history: [] });
    expect(f).toMatchObject({ id: 'secret-in-env', severity: 'high' });
  });

  it('reports a token in a label', () => {
    const [f] = checkSecrets({ env: [], labels: { 'ci.token': gh }, history: [] });
    expect(f).toMatchObject({ id: 'secret-in-label', severity: 'critical' });
  });

  it('reports a build arg recorded in history, masking it in the evidence', () => {
    const line = `|1 HF_TOKEN=${hf} /bin/sh -c huggingface-cli download org/model`;
    const [f, ...rest] = checkSecrets({ env: [], labels: {}, history: [line] });
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ id: 'secret-in-history', severity: 'critical' });
    expect(f?.evidence).toContain('|1 HF_TOKEN=hf_Q…');
    expect(f?.evidence).not.toContain(hf);
  });

  it('reports a BuildKit-style history line with an inline token', () => {
    const [f] = checkSecrets({ env: [], labels: {}, history: [`RUN /bin/sh -c git clone https://${gh}@github.com/acme/x`] });
    expect(f).toMatchObject({ id: 'secret-in-history', severity: 'critical' });
    expect(f?.evidence).not.toContain(gh);
  });

  it('reports a value once, under ENV, although the ENV step also shows in history', () => {
    const findings = checkSecrets({
      env: [`HF_TOKEN=${hf}`],
      labels: {},
      history: [`/bin/sh -c #(nop)  ENV HF_TOKEN=${hf}`],
    });
    expect(findings.map((f) => f.id)).toEqual(['secret-in-env']);
  });

  it('flags a secret-named build arg even when this build passed a dummy value', () => {
    const [f] = checkSecrets({ env: [], labels: {}, history: ['|1 HF_TOKEN=dummy /bin/sh -c make'] });
    expect(f).toMatchObject({ id: 'secret-build-arg', severity: 'medium' });
  });

  it('finds nothing in a clean image', () => {
    expect(checkSecrets(clean)).toEqual([]);
  });
});

describe('checkBaseImagePinned', () => {
  const check = (text: string) => checkBaseImagePinned({ path: 'Dockerfile', text });

  it('reports a tag-only base with the file and line', () => {
    const [f] = check('# syntax\n\nFROM vllm/vllm-openai:v0.11.0\nUSER 1000\n');
    expect(f).toMatchObject({ id: 'base-not-pinned', severity: 'medium', evidence: 'Dockerfile:3: FROM vllm/vllm-openai:v0.11.0' });
  });

  it('accepts a digest-pinned base, scratch and references to earlier stages', () => {
    const text = [
      `FROM --platform=linux/amd64 nvidia/cuda:12.4.0-base-ubuntu22.04@${digest} AS build`,
      'RUN make',
      'FROM scratch AS empty',
      'FROM build',
      'COPY --from=build /out /out',
    ].join('\n');
    expect(check(text)).toEqual([]);
  });

  it('resolves ARG defaults declared before FROM', () => {
    expect(check(`ARG BASE=python:3.12-slim@${digest}\nFROM \${BASE}\n`)).toEqual([]);
    expect(check('ARG BASE=python:3.12-slim\nFROM $BASE\n')[0]).toMatchObject({ id: 'base-not-pinned' });
    expect(check('ARG BASE\nFROM ${BASE}\n')[0]).toMatchObject({ id: 'base-unresolved', severity: 'low' });
  });

  it('follows line continuations', () => {
    const [f] = check('FROM \\\n  python:3.12 AS app\n');
    expect(f?.evidence).toBe('Dockerfile:1: FROM python:3.12');
  });
});

describe('checkSize and checkExposedPort', () => {
  it('flags images large enough to have weights baked in, and layer counts near the overlay limit', () => {
    expect(checkSize(35 * 1024 ** 3, 20).map((f) => f.id)).toEqual(['image-large']);
    expect(checkSize(1024, 120).map((f) => f.id)).toEqual(['image-many-layers']);
    expect(checkSize(8 * 1024 ** 3, 30)).toEqual([]);
  });

  it('flags an exposed port that differs from the configured one', () => {
    expect(checkExposedPort(['8080/tcp'], 8000)[0]).toMatchObject({ id: 'port-mismatch', severity: 'medium' });
    expect(checkExposedPort([], 8000)[0]).toMatchObject({ id: 'port-not-exposed', severity: 'info' });
    expect(checkExposedPort(['8000/tcp'], 8000)).toEqual([]);
  });
});

describe('hygieneFindings and hygieneReasons', () => {
  it('finds nothing in a clean image with a pinned Dockerfile', () => {
    const findings = hygieneFindings(clean, { expectedPort: 8000, dockerfile: { path: 'Dockerfile', text: `FROM x@${digest}\n` } });
    expect(findings).toEqual([]);
  });

  it('lists the worst finding first and fails only on the configured severities', () => {
    const findings = hygieneFindings({ ...clean, user: '', env: [`HF_TOKEN=${hf}`] }, { expectedPort: 9000 });
    expect(findings.map((f) => f.severity)).toEqual(['critical', 'high', 'medium']);
    const report = { image: 'x', sizeBytes: 1, layers: 1, user: '', findings };
    expect(hygieneReasons(report, ['critical']).map((r) => r.dimension)).toEqual(['hygiene']);
    expect(hygieneReasons(report, ['critical', 'high'])).toHaveLength(2);
    expect(hygieneReasons(report, [])).toEqual([]);
    expect(JSON.stringify(hygieneReasons(report, ['critical']))).not.toContain(hf);
  });
});
