import { spawn } from 'node:child_process';

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program without a shell, collecting its output; `onLine` sees it live. */
export function execCommand(
  file: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; onLine?: (line: string) => void; input?: string } = {},
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    const feed = (text: string) => {
      if (!options.onLine) return;
      pending += text;
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? '';
      for (const l of lines) options.onLine(l);
    };
    child.stdout.setEncoding('utf8').on('data', (t: string) => {
      stdout += t;
      feed(t);
    });
    child.stderr.setEncoding('utf8').on('data', (t: string) => {
      stderr += t;
      feed(t);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (pending && options.onLine) options.onLine(pending);
      resolve({ code, stdout, stderr });
    });
    // A program that exits before reading stdin reports through its exit code, not EPIPE.
    child.stdin.on('error', () => undefined).end(options.input ?? '');
  });
}
