import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Why a command's `--out FILE` cannot be written, checked before it measures anything (a folder that cannot be
 * created, a file in the way, a directory by that name); undefined when it can. The folder is created.
 */
export async function outFileProblem(file: string): Promise<string | undefined> {
  const dir = path.dirname(path.resolve(file));
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (err) {
    return `--out ${file}: cannot create or write its folder (${(err as NodeJS.ErrnoException).code ?? String(err)}); give a file in a folder that can be written`;
  }
  const info = await stat(file).catch(() => undefined);
  if (info?.isDirectory()) return `--out ${file}: is a directory; give a file name`;
  return undefined;
}
