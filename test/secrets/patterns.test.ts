import { describe, expect, it } from 'vitest';
import { findTokens, isHighEntropy, maskSecret, namedSecret, redact } from '../../src/secrets/patterns.ts';

// Built from parts so that this file itself does not look like it leaks tokens to secret scanners.
const gh = 'ghp' + '_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';
const hf = 'hf' + '_' + 'QwErTyUiOpAsDfGhJkLzXcVbNm12345678';
const aws = 'AKIA' + 'IOSFODNN7EXAMPLE';
const openai = 'sk-' + 'proj-' + 'Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe';
const slack = 'xoxb' + '-123456789012-abcdefABCDEF';
const fineGrained = 'github_pat_' + '11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

describe('findTokens', () => {
  it.each([
    ['GitHub token', gh],
    ['GitHub fine-grained token', fineGrained],
    ['Hugging Face token', hf],
    ['AWS access key id', aws],
    ['OpenAI-style API key', openai],
    ['Slack token', slack],
  ])('recognises a %s by its format', (kind, token) => {
    expect(findTokens(`prefix ${token} suffix`)).toEqual([{ kind, value: token }]);
  });

  it('takes a private key block whole, so masking hides its body', () => {
    const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----';
    const [m] = findTokens(`KEY=${key}`);
    expect(m?.value).toBe(key);
    expect(maskSecret(key)).not.toContain('b3BlbnNz');
    expect(maskSecret(key)).toContain('-----BEGIN OPENSSH PRIVATE KEY-----');
  });

  it('ignores words that merely start like a token', () => {
    expect(findTokens('task-runner desk-lamp hf_short ghp_tooShort AKIA123')).toEqual([]);
  });
});

describe('namedSecret', () => {
  it('flags a generated-looking value in a variable named like a secret', () => {
    expect(namedSecret('API_KEY', '9f86d081884c7d659a2feaa0c55ad015')?.kind).toBe('high-entropy value of API_KEY');
    expect(namedSecret('DB_PASSWORD', 'N7#qL2v!pX9s@Wd4')).toBeDefined();
  });

  it('leaves settings, references and public key fingerprints alone', () => {
    expect(namedSecret('MAX_TOKENS', '4096')).toBeUndefined();
    expect(namedSecret('HF_TOKEN', '$HF_TOKEN')).toBeUndefined();
    expect(namedSecret('HF_TOKEN_PATH', '/run/secrets/hf_token_file_xyz')).toBeUndefined();
    expect(namedSecret('GPG_KEY', 'A035C8C19219BA821ECEA86B64E628F8D684696D')).toBeUndefined();
    expect(namedSecret('MODEL_NAME', 'Qx7pLm2vR9sTw4yZ8nB3')).toBeUndefined();
    expect(namedSecret('TOKENIZER', 'meta-llama/Llama-3.1-8B-Instruct')).toBeUndefined();
    expect(namedSecret('AWS_ACCESS_KEY_ID', 'Qx7pLm2vR9sTw4yZ8nB3')).toBeUndefined();
  });

  it('reads names word by word, in any case style', () => {
    expect(namedSecret('apiKey', 'Qx7pLm2vR9sTw4yZ8nB3')).toBeDefined();
    expect(namedSecret('ci.secret', 'Qx7pLm2vR9sTw4yZ8nB3')).toBeDefined();
    expect(namedSecret('HUGGING_FACE_HUB_TOKEN', 'Qx7pLm2vR9sTw4yZ8nB3')).toBeDefined();
  });

  it('does not call a readable placeholder high-entropy', () => {
    expect(isHighEntropy('changeme-changeme')).toBe(false);
    expect(isHighEntropy('short')).toBe(false);
  });
});

describe('maskSecret', () => {
  it('shows only a four-character prefix and the length', () => {
    const masked = maskSecret(hf);
    expect(masked).toBe(`hf_Q… (${hf.length} chars, masked)`);
    expect(masked).not.toContain(hf.slice(4));
  });

  it('shows nothing of a short value', () => {
    expect(maskSecret('abcd1234')).toBe('… (8 chars, masked)');
  });

  it('redacts every occurrence of each secret in a text', () => {
    const text = `A=${gh} B=${gh} C=${hf}`;
    const out = redact(text, [gh, hf]);
    expect(out).not.toContain(gh);
    expect(out).not.toContain(hf);
    expect(out.match(/masked/g)).toHaveLength(3);
  });
});
