import { describe, expect, it } from 'vitest';
import { containerPort } from '../../src/target/port.ts';

describe('containerPort', () => {
  it("uses the image's single exposed port when none is configured", () => {
    expect(containerPort(undefined, ['8080/tcp'])).toEqual({ port: 8080, source: 'image' });
  });

  it('keeps a configured port and says so when the image exposes others', () => {
    expect(containerPort(8000, ['8080/tcp'])).toEqual({ port: 8000, source: 'config', note: 'the image exposes 8080, not the configured port 8000: check --port / target.port' });
    expect(containerPort(8080, ['8080/tcp', '9090/tcp'])).toEqual({ port: 8080, source: 'config' });
    expect(containerPort(8000, [])).toEqual({ port: 8000, source: 'config' });
  });

  it('falls back to 8000 and names what the image exposes when it cannot choose', () => {
    expect(containerPort(undefined, [])).toMatchObject({ port: 8000, note: expect.stringMatching(/exposes none/) });
    expect(containerPort(undefined, ['8080/tcp', '9090/tcp'])).toMatchObject({ port: 8000, note: expect.stringMatching(/several \(8080, 9090\)/) });
    expect(containerPort(undefined, ['8000/tcp', '9090/tcp'])).toEqual({ port: 8000, source: 'default' });
  });

  it('ignores UDP ports', () => {
    expect(containerPort(undefined, ['5353/udp', '8080/tcp'])).toEqual({ port: 8080, source: 'image' });
  });
});
