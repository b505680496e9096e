import { describe, expect, it } from 'vitest';
import { handedSecrets, SecretMask } from '../../src/secrets/mask.ts';

describe('SecretMask', () => {
  it('replaces every occurrence of a handed value with the name it was handed under', () => {
    const mask = new SecretMask([{ name: 'HF_TOKEN', value: 'abc-secret-123' }]);
    expect(mask.mask('token=abc-secret-123 again abc-secret-123')).toBe('token=[masked HF_TOKEN] again [masked HF_TOKEN]');
  });

  it('masks a value that contains another value whole', () => {
    const mask = new SecretMask([
      { name: 'SHORT', value: 'secret' },
      { name: 'LONG', value: 'secret-and-more' },
    ]);
    expect(mask.mask('x secret-and-more y secret')).toBe('x [masked LONG] y [masked SHORT]');
  });

  it('treats regular-expression characters in a value literally', () => {
    const mask = new SecretMask([{ name: 'K', value: 'a.b*c(d)' }]);
    expect(mask.mask('a.b*c(d) aXbbc(d)')).toBe('[masked K] aXbbc(d)');
  });

  it('masks well-known token formats nobody handed over', () => {
    const gh = `ghp_${'A1b2C3d4E5'.repeat(4)}`;
    expect(new SecretMask().mask(`pushing with ${gh}`)).toBe('pushing with [masked GitHub token]');
  });

  it('masks every string inside a report, keys included, and keeps numbers', () => {
    const mask = new SecretMask([{ name: 'KEY', value: 'hunter2-hunter2' }]);
    const out = mask.maskDeep({ logTail: ['--api-key hunter2-hunter2'], n: 3, nested: { 'hunter2-hunter2': true } });
    expect(out).toEqual({ logTail: ['--api-key [masked KEY]'], n: 3, nested: { '[masked KEY]': true } });
  });
});

describe('handedSecrets', () => {
  it('takes passEnv values whatever their names, secret-looking env and inherited values, and the API key', () => {
    const { secrets, tooShort } = handedSecrets({
      apiKey: 'the-api-key',
      passEnv: ['MODEL_ACCESS', 'SHORT'],
      env: { DB_PASSWORD: 'pa55word!', LOG_LEVEL: 'debug' },
      inherited: {
        MODEL_ACCESS: 'let-me-in',
        SHORT: 'ab',
        MY_SERVICE_TOKEN: 'tok-0123456789',
        HF_HUB_DISABLE_TOKEN: '1',
        PATH: '/usr/bin',
        PWD: '/home/runner/work/repo',
        TOKEN_URL: 'https://auth.example.com/token',
        GITHUBTOKEN: 'glued-token-value',
        TOKENIZER: 'some/tokenizer-name',
        MAX_NUM_BATCHED_TOKENS: '81920000',
      },
    });
    const names = Object.fromEntries(secrets.map((s) => [s.value, s.name]));
    expect(names).toEqual({
      'the-api-key': 'API key',
      'let-me-in': 'MODEL_ACCESS',
      'pa55word!': 'DB_PASSWORD',
      'tok-0123456789': 'MY_SERVICE_TOKEN',
      'glued-token-value': 'GITHUBTOKEN',
    });
    expect(tooShort).toEqual(['SHORT']);
  });
});
