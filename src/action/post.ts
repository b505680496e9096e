import * as core from '@actions/core';
import { cancelCheckRun } from '../report/github/check-run.ts';
import { createClient, describeApiError } from '../report/github/client.ts';
import { readGitHubContext } from '../report/github/context.ts';
import { removeContainer } from '../target/docker.ts';
import { groupAlive, killProcessGroup } from '../target/process.ts';
import { savedCheckRun, savedTargets } from './state.ts';

/** How long the post step waits for a deleted namespace to be gone (pods with GPUs free them on the way). */
const K8S_WAIT_S = 60;

/**
 * The post step (`post-if: always()`): removes the container, kills the process or deletes the Kubernetes run a cancelled or crashed
 * main step left behind, and closes its check run as cancelled. It never fails the job; what it cannot
 * clean up is reported as a warning.
 */
export async function post(): Promise<void> {
  try {
    await cleanUp();
  } catch (err) {
    core.warning(`llm-gate cleanup: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function closeCheckRun(): Promise<void> {
  const id = savedCheckRun();
  const token = core.getInput('github-token');
  const context = readGitHubContext();
  if (id === undefined || !token || !context) return;
  core.setSecret(token);
  try {
    await cancelCheckRun(createClient(token, context.apiUrl), context, id);
    core.info(`marked check run ${id} cancelled`);
  } catch (err) {
    core.warning(`could not mark check run ${id} cancelled: ${describeApiError(err).message}`);
  }
}

async function cleanUp(): Promise<void> {
  const { container, pid, k8s } = savedTargets();
  if (k8s !== undefined) {
    try {
      // Loaded on use: the Kubernetes client is most of the bundle's size.
      const { deleteSavedRun } = await import('../target/kubernetes/cleanup.ts');
      core.info(await deleteSavedRun(k8s, K8S_WAIT_S));
    } catch (err) {
      core.warning(`could not delete the Kubernetes run: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (container !== undefined) {
    try {
      await removeContainer(container);
      core.info(`removed container ${container}`);
    } catch (err) {
      core.warning(`could not remove container ${container}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (pid !== undefined && groupAlive(pid)) {
    await killProcessGroup(pid);
    core.info(`stopped process group ${pid}`);
  }
  // Last: the GPU is freed first, whatever the API does.
  await closeCheckRun();
}
