import { describe, expect, it } from 'vitest';
import { errorMessageOf } from '../../src/client/chunk.ts';
import { SseParser } from '../../src/client/sse.ts';

describe('SseParser', () => {
  it('returns data payloads of complete events only, across reads split anywhere', () => {
    const p = new SseParser();
    expect(p.push('data: {"a":1}\n\nda')).toEqual(['{"a":1}']);
    expect(p.push('ta: {"b"')).toEqual([]);
    expect(p.push(':2}\n')).toEqual([]);
    expect(p.push('\ndata: [DONE]\n\n')).toEqual(['{"b":2}', '[DONE]']);
  });

  it('handles CRLF, comments, other fields, a data field without a space, and multi-line data', () => {
    const p = new SseParser();
    expect(p.push(': keep-alive\r\nevent: message\r\nid: 7\r\ndata:x\r\ndata: y\r\n\r\n')).toEqual(['x\ny']);
  });

  it('gives back an event the stream ended without a blank line after', () => {
    const p = new SseParser();
    expect(p.push('data: last')).toEqual([]);
    expect(p.flush()).toEqual(['last']);
  });
});

describe('errorMessageOf', () => {
  it('reads the error shapes engines send', () => {
    expect(errorMessageOf('{"error":{"message":"model not found"}}')).toBe('model not found');
    expect(errorMessageOf('{"error":"Input validation error"}')).toBe('Input validation error');
    expect(errorMessageOf('{"detail":"Not Found"}')).toBe('Not Found');
    expect(errorMessageOf('upstream connect error\n')).toBe('upstream connect error');
  });
});
