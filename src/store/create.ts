import { ArtifactStore } from './artifacts.ts';
import { GitBranchStore } from './git.ts';
import { LocalDirStore } from './local.ts';
import type { BaselineStore } from './types.ts';

/** The environment a front end hands over (its process.env): the stores read only the GitHub variables named below. */
export type Environment = Readonly<Record<string, string | undefined>>;

export interface StoreSettings {
  store: 'local' | 'git' | 'artifacts';
  storeDir: string;
  gitBranch: string;
}

/**
 * The configured store. The git store pushes to `origin` of the working directory; the artifact
 * store needs GITHUB_REPOSITORY and a token (GITHUB_TOKEN, else INPUT_GITHUB_TOKEN) from `env`, and
 * honours GITHUB_API_URL. Throws when the artifact store lacks either.
 */
export function createStore(settings: StoreSettings, env: Environment, cwd = process.cwd()): BaselineStore {
  switch (settings.store) {
    case 'local':
      return new LocalDirStore(settings.storeDir);
    case 'git':
      return new GitBranchStore({ repoDir: cwd, remote: 'origin', branch: settings.gitBranch });
    case 'artifacts': {
      const repository = env.GITHUB_REPOSITORY;
      const token = env.GITHUB_TOKEN ?? env.INPUT_GITHUB_TOKEN;
      if (!repository || !token) {
        throw new Error('compare.store: artifacts needs GITHUB_REPOSITORY and GITHUB_TOKEN in the environment (a workflow run with actions: read)');
      }
      return new ArtifactStore({ repository, token, ...(env.GITHUB_API_URL ? { apiUrl: env.GITHUB_API_URL } : {}) });
    }
  }
}
